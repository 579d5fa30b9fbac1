/**
 * The `jobs` commands that change jobs, and the CLI's failures, as a child process against a real
 * Redis: one-by-one and bulk actions, the refusal of an unconfirmed bulk, exit codes, unreachable Redis.
 */
import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/redis-server.js";
import { runJobs } from "./built-cli.js";
import { invoice, useCli, welcome } from "./cli-fixture.js";
import { documentOf } from "./json-shapes.js";

describe("typed-jobs action commands", { timeout: 60_000 }, () => {
  const cli = useCli();
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it("retry, promote, cancel and destroy act on each id, report each, and exit 1 for one not found", async () => {
    const { jobs, cli: run, failedInvoices } = cli.namespace();
    const [failed] = await failedInvoices([invoice(1)]);
    const delayed = await jobs.schedule("welcomeEmail", welcome, { delay: "1h" });

    const retried = documentOf("action", (await run("retry", failed!, "--json")));
    expect(retried.results).toEqual([{ id: failed, ok: true, status: "queued", error: null }]);
    expect((await jobs.findJob(failed!)).retriesLeft).toBe(0);

    const promoted = await run("promote", delayed.id, "--json");
    expect(promoted.code).toBe(0);
    expect((await jobs.findJob(delayed.id)).runAt.getTime()).toBeLessThanOrEqual(Date.now());

    const cancelled = await run("cancel", delayed.id, "missing-id", "--json");
    expect(cancelled.code).toBe(1);
    expect(documentOf("action", cancelled).results).toEqual([
      { id: delayed.id, ok: true, status: "cancelled", error: null },
      { id: "missing-id", ok: false, status: null, error: { code: "JOB_NOT_FOUND", message: "job missing-id not found" } },
    ]);

    const again = await run("cancel", delayed.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("JOB_STATE");

    const destroyed = await run("destroy", delayed.id, failed!);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain(`destroyed ${delayed.id}`);
    expect((await jobs.counts()).total).toMatchObject({ queued: 0, cancelled: 0 });
  });

  it("retry --all changes exactly the selected failed jobs of the type, with progress in the JSON", async () => {
    const { jobs, cli: run, failedInvoices } = cli.namespace();
    await failedInvoices([invoice(1, "EUR"), invoice(2, "USD"), invoice(3, "EUR")]);
    const result = await run("retry", "--all", "--type", "chargeInvoice", "--status", "failed", "--where", "amount.currency=EUR", "--yes", "--json");
    expect(result.code).toBe(0);
    const doc = documentOf("bulk", result);
    expect(doc.selection).toEqual({ type: "chargeInvoice", status: "failed", olderThan: null, where: { "amount.currency": "EUR" } });
    expect(doc.progress).toMatchObject({ scanned: 3, matched: 2, changed: 2 });
    expect((await jobs.counts()).byType.chargeInvoice).toMatchObject({ queued: 2, failed: 1 });
  });

  it("cancel --all and destroy --all act on their statuses", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.scheduleBulk("chargeInvoice", [invoice(1), invoice(2)]);
    expect((await run("cancel", "--all", "--type", "chargeInvoice", "--status", "queued", "--yes")).code).toBe(0);
    expect((await jobs.counts()).byType.chargeInvoice).toMatchObject({ queued: 0, cancelled: 2 });
    const destroyed = documentOf("bulk", (await run("destroy", "--all", "--type", "chargeInvoice", "--status", "cancelled", "--older-than", "0", "--yes", "--json")));
    expect(destroyed.progress.changed).toBe(2);
    expect((await jobs.counts()).total.cancelled).toBe(0);
  });

  it("a bulk --where with a path the type's schema lacks exits 2 naming the path, and changes nothing", async () => {
    const { jobs, cli: run, failedInvoices } = cli.namespace();
    await failedInvoices([invoice(1)]);
    const result = await run("retry", "--all", "--type", "chargeInvoice", "--status", "failed", "--where", "amount.colour=red", "--yes");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("amount.colour");
    expect((await jobs.counts()).byType.chargeInvoice?.failed).toBe(1);
  });

  it("a bulk action without --yes is refused with exit 1 when stdin is not a terminal", async () => {
    const { jobs, cli: run, failedInvoices } = cli.namespace();
    await failedInvoices([invoice(1)]);
    const result = await run("retry", "--all", "--type", "chargeInvoice", "--status", "failed");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refusing .* without --yes/);
    expect((await jobs.counts()).byType.chargeInvoice?.failed).toBe(1);
  });

  it("refuses ids mixed with --all, --all without --type or --status, and bulk flags without --all, with exit 2", async () => {
    const { cli: run } = cli.namespace();
    const cases = [["retry", "abc", "--all", "--type", "x", "--status", "failed"], ["retry", "--all", "--status", "failed"], ["destroy", "--all", "--type", "x"], ["cancel", "abc", "--yes"], ["promote", "--all"], ["retry"]];
    const results = await Promise.all(cases.map((args) => run(...args)));
    expect(results.map((r, i) => [cases[i], r.code, r.stdout])).toEqual(cases.map((args) => [args, 2, ""]));
  });

  it("pause and resume a type, kept in Redis and shown by stats", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.schedule("chargeInvoice", invoice(1));
    expect(documentOf("pause", (await run("pause", "chargeInvoice", "--json")))).toEqual({ type: "chargeInvoice", paused: true, pausedTypes: ["chargeInvoice"] });
    expect(await jobs.pausedTypes()).toEqual(["chargeInvoice"]);
    expect(documentOf("stats", (await run("stats", "--json"))).types[0].paused).toBe(true);
    expect(documentOf("pause", (await run("resume", "chargeInvoice", "--json")))).toEqual({ type: "chargeInvoice", paused: false, pausedTypes: [] });
  });

  it("pause, resume and the bulk forms exit 1 for a job type the namespace does not know, changing nothing", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.schedule("chargeInvoice", invoice(1));
    const results = await Promise.all([
      run("pause", "noSuchType"),
      run("resume", "noSuchType", "--json"),
      run("retry", "--all", "--type", "noSuchType", "--status", "failed", "--yes"),
      run("cancel", "--all", "--type", "noSuchType", "--status", "queued", "--yes", "--json"),
      run("destroy", "--all", "--type", "noSuchType", "--status", "failed", "--where", "user.id=1", "--yes"),
    ]);
    for (const result of results) {
      expect([result.code, result.stdout]).toEqual([1, ""]);
      expect(result.stderr).toContain("typed-jobs: UNKNOWN_JOB_TYPE:");
    }
    expect(await jobs.pausedTypes()).toEqual([]);
  });

  it("a Redis that refuses the connection fails fast with exit 2, naming the URL without its password", async () => {
    const url = `redis://ops:hunter2@127.0.0.1:${await freePort()}`;
    const result = await runJobs(cli.bin(), ["--redis", url, "stats"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("redis://ops:***@127.0.0.1:");
    expect(result.stderr).not.toContain("hunter2");
    // Under a second alone; the bound leaves room for the process's start-up on a machine the other
    // test files load (it read 4.8 and 5.2 s there). A CLI that kept retrying would not exit this soon.
    expect(result.ms).toBeLessThan(10_000);
  });

  it("a server that accepts the connection and never answers fails with exit 2 within a few seconds", async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const result = await runJobs(cli.bin(), ["stats"], { REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`redis://:***@127.0.0.1:${port}`);
    expect(result.stderr).not.toContain("hunter2");
    // The reach timeout (3 s) and the close timeout (1 s), plus the process's start-up on a machine
    // the other test files load; a CLI that waited on the silent server would not exit at all.
    expect(result.ms).toBeLessThan(10_000);
  });
});
