/**
 * The `jobs` read commands as a child process against a real Redis: each --json document against its
 * documented shape (test/cli/json-shapes.ts mirrors docs/cli.md) and the values in it.
 */
import { describe, expect, it } from "vitest";
import { SENSITIVE_MASK, UNREGISTERED_PAYLOAD } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { invoice, signup, signupType, useCli, welcome } from "./cli-fixture.js";
import { documentOf } from "./json-shapes.js";

describe("typed-jobs read commands", { timeout: 60_000 }, () => {
  const cli = useCli();

  it("stats --json counts each type's jobs, delayed ones apart, and the totals", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.scheduleBulk("chargeInvoice", [invoice(1), invoice(2)]);
    await jobs.schedule("welcomeEmail", welcome, { delay: "1h" });
    const result = await run("stats", "--json");
    expect(result.code).toBe(0);
    const doc = documentOf("stats", result);
    expect(doc.types.map((t: { type: string }) => t.type)).toEqual(["chargeInvoice", "welcomeEmail"]);
    expect(doc.types[0]).toMatchObject({ counts: { queued: 2 }, delayed: 0, paused: false });
    expect(doc.types[1]).toMatchObject({ counts: { queued: 1 }, delayed: 1 });
    expect(doc.total.queued).toBe(3);

    const one = documentOf("stats", (await run("stats", "--type", "welcomeEmail", "--json")));
    expect([one.types.length, one.total.queued]).toEqual([1, 1]);
  });

  it("ls --json lists one status with its page, and --where filters the payloads", async () => {
    const { jobs, cli: run } = cli.namespace();
    const scheduled = await jobs.scheduleBulk("chargeInvoice", [invoice(1, "EUR"), invoice(2, "USD"), invoice(3, "EUR")]);
    const all = documentOf("ls", (await run("ls", "queued", "--type", "chargeInvoice", "--json")));
    expect(all.jobs.map((j: { id: string }) => j.id).sort()).toEqual(scheduled.map((j) => j.id).sort());
    expect(all.jobs[0].payload.amount).toBeDefined();

    const eur = documentOf("ls", (await run("ls", "queued", "--type", "chargeInvoice", "--where", "amount.currency=EUR", "--where", "/amount/cents=300", "--json")));
    expect(eur.jobs.map((j: { payload: { invoiceNumber: string } }) => j.payload.invoiceNumber)).toEqual(["INV-2026-000003"]);
    expect(eur.where).toEqual({ "amount.currency": "EUR", "/amount/cents": 300 });
    expect([eur.scanned, eur.truncated]).toEqual([3, false]);

    const page = documentOf("ls", (await run("ls", "queued", "--limit", "1", "--offset", "1", "--json")));
    expect([page.jobs.length, page.limit, page.offset]).toEqual([1, 1, 1]);
  });

  it("ls without --json prints tab-separated lines when stdout is not a terminal, without colour", async () => {
    const { jobs, cli: run } = cli.namespace();
    const job = await jobs.schedule("chargeInvoice", invoice(1));
    const result = await run("ls", "queued");
    expect(result.code).toBe(0);
    const [head, row] = result.stdout.trim().split("\n");
    expect(head!.split("\t")).toEqual(["id", "type", "status", "run at", "attempts", "error", "payload"]);
    expect(row!.split("\t").slice(0, 3)).toEqual([job.id, "chargeInvoice", "queued"]);
    expect(result.stdout).not.toContain("\u001b[");
  });

  it("show --json gives the job with its error and stack, and the contract verdict", async () => {
    const { jobs, cli: run, failedInvoices } = cli.namespace();
    const [id] = await failedInvoices([invoice(7)]);
    const doc = documentOf("show", (await run("show", id!, "--json")));
    expect(doc.job).toMatchObject({ id, type: "chargeInvoice", status: "failed", attempts: 1, payload: invoice(7) });
    expect(doc.job.error.message).toBe("card declined");
    expect(doc.job.error.stack).toContain("card declined");
    expect(doc.contract.schemaHash).toBe(jobs.types.chargeInvoice.schemaHash);
    expect(doc.contract.newestSchemaHash).toBe(jobs.types.chargeInvoice.schemaHash);
    expect(doc.contract.passes).toBe(true);

    const text = await run("show", id!);
    expect(text.stdout).toContain("card declined");
    expect(text.stdout).toContain('"invoiceNumber": "INV-2026-000007"');
  });

  it("show exits 1 naming a job that does not exist, with the error's code and no stack", async () => {
    const { cli: run } = cli.namespace();
    const result = await run("show", "no-such-job");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toBe("typed-jobs: JOB_NOT_FOUND: job no-such-job not found");
    expect((await run("--verbose", "show", "no-such-job")).stderr).toMatch(/\n\s+at /);
  });

  it("pools --json lists a live pool with its types and concurrency", async () => {
    const { bundle, cli: run } = cli.namespace();
    const pool = bundle.pool({ concurrency: 3, handlers: { chargeInvoice: () => undefined } });
    await pool.start();
    const doc = documentOf("pools", (await run("pools", "--json")));
    expect(doc.pools).toHaveLength(1);
    expect(doc.pools[0]).toMatchObject({ pid: process.pid, concurrency: 3, types: ["chargeInvoice"] });
  });

  it("recurring --json lists each recurring job with its next run and contract verdict", async () => {
    const { jobs, cli: run } = cli.namespace();
    const job = await jobs.scheduleRecurring("nightlyReport", { day: "2026-11-28", recipients: ["ops@example.com"], includeRefunds: true }, { cron: "0 3 * * *", timezone: "Europe/Paris" });
    const doc = documentOf("recurring", (await run("recurring", "--json")));
    expect(doc.recurring).toHaveLength(1);
    expect(doc.recurring[0].job).toMatchObject({ id: job.id, recurrence: { cron: "0 3 * * *", timezone: "Europe/Paris" } });
    expect(doc.recurring[0].nextRunAt).toBe(job.runAt.toISOString());
    expect(doc.recurring[0].contract.passes).toBe(true);
  });

  it("contracts --json lists the schemas the runtime published, the newest of each type marked", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.schedule("chargeInvoice", invoice(1));
    const doc = documentOf("contracts", (await run("contracts", "--type", "chargeInvoice", "--json")));
    expect(doc.contracts).toEqual([expect.objectContaining({ type: "chargeInvoice", schemaHash: jobs.types.chargeInvoice.schemaHash, newest: true })]);
  });

  it("masks the fields the contract marks sensitive in every output of a payload, --json included", async () => {
    const { jobs, cli: run } = cli.namespace({ signup: signupType });
    const payload = signup;
    const job = await jobs.schedule("signup", payload);
    await jobs.scheduleRecurring("signup", payload, { every: "1h" });
    const masked = { user: "ada", password: SENSITIVE_MASK, card: { last4: "4242", number: SENSITIVE_MASK } };
    const outputs = await Promise.all([run("ls", "queued", "--json"), run("ls", "queued"), run("show", job.id, "--json"), run("show", job.id), run("recurring", "--json"), run("recurring")]);
    for (const output of outputs) {
      expect(output.code).toBe(0);
      expect(output.stdout).not.toMatch(/hunter2|4242424242424242/);
    }
    expect(documentOf("ls", outputs[0]!).jobs.map((j: { payload: unknown }) => j.payload)).toEqual([masked, masked]);
    expect(documentOf("show", outputs[2]!).job.payload).toEqual(masked);
    expect(documentOf("recurring", outputs[4]!).recurring[0].job.payload).toEqual(masked);
  });

  it("withholds the payload of a type with no registered schema unless --show-unregistered", async () => {
    const { jobs, bundle, cli: run } = cli.namespace();
    const job = await jobs.schedule("welcomeEmail", welcome);
    const server = cli.server();
    const contracts = `tj:{${bundle.namespace}}:contracts`;
    await waitUntil(() => server.cli("EXISTS", contracts) === "1");
    server.cli("DEL", contracts);

    const [withheld, shown] = await Promise.all([
      Promise.all([run("ls", "queued", "--json"), run("show", job.id, "--json"), run("show", job.id), run("ls", "queued")]),
      Promise.all([run("ls", "queued", "--show-unregistered", "--json"), run("--show-unregistered", "show", job.id, "--json")]),
    ]);
    for (const output of withheld) {
      expect(output.code).toBe(0);
      expect(output.stdout).not.toContain("ada@example.com");
      expect(output.stdout).toContain(UNREGISTERED_PAYLOAD);
    }
    expect(documentOf("ls", withheld[0]!).jobs[0].payload).toBe(UNREGISTERED_PAYLOAD);

    expect(documentOf("ls", shown[0]!).jobs[0].payload).toEqual(welcome);
    expect(documentOf("show", shown[1]!).job.payload).toEqual(welcome);
  });

  it("stats --type --json gives the type's throughput per minute over --minutes, oldest first", async () => {
    const { cli: run, failedInvoices } = cli.namespace();
    await failedInvoices([invoice(1), invoice(2)]);
    const [five, sixty, all, text, ...misuse] = await Promise.all([
      run("stats", "--type", "chargeInvoice", "--minutes", "5", "--json"),
      run("stats", "--type", "chargeInvoice", "--json"),
      run("stats", "--json"),
      run("stats", "--type", "chargeInvoice"),
      run("stats", "--minutes", "5"),
      run("stats", "--type", "chargeInvoice", "--minutes", "0"),
      run("stats", "--type", "chargeInvoice", "--minutes", "1441"),
    ]);
    const doc = documentOf("stats", five);
    expect(doc.throughput).toHaveLength(5);
    const minutes = doc.throughput.map((p: { minute: string }) => Date.parse(p.minute));
    expect(minutes.slice(1).map((m: number, i: number) => m - minutes[i])).toEqual([60_000, 60_000, 60_000, 60_000]);
    expect(doc.throughput.reduce((sum: number, p: { failed: number }) => sum + p.failed, 0)).toBe(2);
    expect(documentOf("stats", sixty).throughput).toHaveLength(60);
    expect(documentOf("stats", all).throughput).toBeNull();
    expect(text.stdout).toContain("chargeInvoice, last 60 minutes: 0 finished, 2 failed attempts");
    expect(misuse.map((r) => r.code)).toEqual([2, 2, 2]);
  });

  it("refuses a bad status or option with exit 2 before connecting", async () => {
    const { cli: run } = cli.namespace();
    const cases = [["ls", "bogus"], ["ls", "failed", "--limit", "ten"], ["ls", "failed", "--where", "novalue"], ["frobnicate"], []];
    const results = await Promise.all(cases.map((args) => run(...args)));
    expect(results.map((r) => r.code)).toEqual(cases.map(() => 2));
  });

  it("--help of the program and of each command exits 0 with examples and the exit codes", async () => {
    const { cli: run } = cli.namespace();
    const top = await run("--help");
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
    const commands = ["stats", "ls", "show", "retry", "cancel", "destroy", "promote", "pause", "resume", "pools", "recurring", "contracts"];
    const helps = await Promise.all(commands.map((command) => run(command, "--help")));
    expect(helps.map((h, i) => [commands[i], h.code, h.stdout])).toEqual(commands.map((c) => [c, 0, expect.stringContaining(`Examples:\n  $ typed-jobs ${c}`)]));
  });
});
