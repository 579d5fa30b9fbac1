/**
 * Typed migrations end to end on Redis, with two builds of one contract: jobs written by the v1
 * build (delayed, retried, recurring) run on a v3 pool through the chain v1 → v2 → v3 and reach its
 * handler as v3 payloads; a step that refuses a payload rejects the job naming the version and step;
 * and without the migration, `jobs-gen --check` fails naming the type, the pointer and the line.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as v1 from "./contracts/billing-v1.generated.js";
import * as v3 from "./contracts/billing-v3.generated.js";
import { runCli } from "../codegen/cli-run.js";
import { waitUntil } from "../support/redis-server.js";
import { useRedis } from "../support/setup.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let namespaceCounter = 0;

describe("typed migrations", () => {
  const { server } = useRedis();

  beforeAll(async () => {
    for (const name of ["billing-v1", "billing-v3"]) {
      const check = await runCli(["--schema", join(root, `test/e2e/contracts/${name}.schema.ts`), "--out", join(root, `test/e2e/contracts/${name}.generated.ts`), "--check"]);
      expect(check.code, check.stderr).toBe(0);
    }
  }, 120_000);

  afterEach(async () => {
    await Promise.all([v1.closeJobs(), v3.closeJobs()]);
  });

  function configure(): void {
    const namespace = `migrate-${++namespaceCounter}`;
    v1.configureJobs({ redis: server().url, namespace });
    v3.configureJobs({ redis: server().url, namespace });
  }

  it("runs delayed, retried and recurring v1 jobs on a v3 pool as v3 payloads, migrating on every run", async () => {
    configure();
    const delayed = await v1.scheduleCharge({ cents: 100 }, { delay: "200ms" });
    const retried = await v1.scheduleCharge({ cents: 200 });
    const recurring = await v1.scheduleRecurringCharge({ cents: 300 }, { every: "300ms" });
    await v1.closeJobs();

    const seen = new Map<string, v3.ChargePayload[]>();
    const pool = v3.createPool({
      handlers: {
        charge: (payload, job) => {
          seen.set(job.id, [...(seen.get(job.id) ?? []), payload]);
          if (job.id === retried.id && seen.get(job.id)!.length === 1) throw new Error("the first attempt fails");
        },
      },
    });
    await pool.start();
    try {
      await waitUntil(async () => (await v3.findJob(delayed.id)).status === "finished" && (await v3.findJob(retried.id)).status === "finished" && (seen.get(recurring.id)?.length ?? 0) >= 2);
    } finally {
      await pool.close();
    }
    expect(seen.get(delayed.id)).toEqual([{ amount: { cents: 100, currency: "EUR" } }]);
    expect(seen.get(retried.id)).toEqual([{ amount: { cents: 200, currency: "EUR" } }, { amount: { cents: 200, currency: "EUR" } }]);
    for (const payload of seen.get(recurring.id)!) expect(payload).toEqual({ amount: { cents: 300, currency: "EUR" } });
    // The stored payload stays as written; it is migrated each time it runs.
    const stored = await v3.findJob(recurring.id);
    expect([stored.payload, stored.schemaHash]).toEqual([{ cents: 300 }, v1.schemaHashes.charge]);
    expect(v3.schemaHashes.charge).not.toBe(v1.schemaHashes.charge);
  });

  it("rejects a job whose migration step refuses it, naming the versions of the step", async () => {
    configure();
    const big = await v1.scheduleCharge({ cents: 2_000_000 });
    await v1.closeJobs();
    const ran: unknown[] = [];
    const pool = v3.createPool({ handlers: { charge: (payload) => void ran.push(payload) } });
    await pool.start();
    try {
      await waitUntil(async () => (await v3.findJob(big.id)).status === "rejected");
    } finally {
      await pool.close();
    }
    const rejected = await v3.findJob(big.id);
    expect(rejected.attempts).toBe(1);
    expect(rejected.error?.name).toBe("PayloadValidationError");
    expect(rejected.error?.issues?.[0]?.message).toMatch(/^the migration step from v1 to v2 refused it: amounts over 10,000\.00 need a currency/);
    expect(ran).toEqual([]);
  });

  it("without the migration, --check fails naming the type, the pointer and the line", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-migrate-"));
    try {
      symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
      const withChain = readFileSync(join(root, "test/e2e/contracts/billing-v3.schema.ts"), "utf8");
      const withoutChain = withChain.replace(/payload: versions\(V1\)[\s\S]*?\),\n    retries/, "payload: V3,\n    retries");
      expect(withoutChain).not.toBe(withChain);
      writeFileSync(join(dir, "jobs.schema.ts"), withoutChain);
      copyFileSync(join(root, "test/e2e/contracts/billing-v3.lock.json"), join(dir, "jobs.lock.json"));
      await runCli(["--schema", join(dir, "jobs.schema.ts")]);
      const check = await runCli(["--schema", join(dir, "jobs.schema.ts"), "--check"]);
      expect(check.code).toBe(1);
      const line = withoutChain.split("\n").findIndex((text) => text.includes("charge: {")) + 1;
      expect(check.stderr).toContain(`jobs.schema.ts:${line}: error: charge v3 breaks jobs of v1 still waiting [required-added] at /: "amount" became required`);
      expect(check.stderr).toContain(`jobs.schema.ts:${line}: error: charge v3 breaks jobs of v2 still waiting [required-added] at /: "amount" became required`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
