/**
 * `jobs-gen verify` and `jobs-gen migrate` end to end on Redis, with the billing contract's v1 and
 * v3 builds: v1 jobs waiting in every runnable state are counted as would-reject by a v3 build
 * without the migration (verify exits 1) and as would-migrate with it (exit 0); migrate is refused
 * while a live pool lacks the newest identity, rewrites every waiting job once it may, and skips a
 * job claimed since it was read; verify agrees with a real pool job by job, and issues no write.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createJobs, openOperations, type JobType, type Operations, type RunnableJob } from "typed-jobs";
import * as v1 from "./contracts/billing-v1.generated.js";
import * as v3 from "./contracts/billing-v3.generated.js";
import { runCliProcess } from "../codegen/cli-run.js";
import { waitUntil } from "../support/redis-server.js";
import { useRedis } from "../support/setup.js";
import { runMigrate, type MigrateJson } from "../../codegen/waiting/migrate.js";
import type { WaitingOptions } from "../../codegen/waiting/options.js";
import { runVerify, type VerifyJson } from "../../codegen/waiting/verify.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const contracts = join(root, "test/e2e/contracts");
const V1_IDENTITY = "f0750a3615ebf2cb";
const V3_IDENTITY = "15886a7f69bcf766";
let namespaceCounter = 0;

/** The command's exit code and its output, run in-process. */
async function run<J>(command: (options: never, io: { out(t: string): void; err(t: string): void }) => Promise<number>, options: object): Promise<{ code: number; doc: J; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(options as never, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, doc: (out.length > 0 ? JSON.parse(out.join("\n")) : undefined) as J, err: err.join("\n") };
}

describe("jobs-gen verify and migrate", () => {
  const { server } = useRedis();
  let noChainDir: string;
  const opened: Operations[] = [];

  beforeAll(() => {
    // The v3 build without its migration: the same schema and lock, the versions(...) chain removed.
    noChainDir = mkdtempSync(join(tmpdir(), "jobs-verify-"));
    symlinkSync(join(root, "node_modules"), join(noChainDir, "node_modules"));
    writeFileSync(join(noChainDir, "package.json"), '{ "type": "module" }\n');
    const withChain = readFileSync(join(contracts, "billing-v3.schema.ts"), "utf8");
    const withoutChain = withChain.replace(/payload: versions\(V1\)[\s\S]*?\),\n    retries/, "payload: V3,\n    retries");
    expect(withoutChain).not.toBe(withChain);
    writeFileSync(join(noChainDir, "jobs.schema.ts"), withoutChain);
    writeFileSync(join(noChainDir, "jobs.lock.json"), readFileSync(join(contracts, "billing-v3.lock.json")));
  });

  afterAll(() => rmSync(noChainDir, { recursive: true, force: true }));

  afterEach(async () => {
    await Promise.all([v1.closeJobs(), v3.closeJobs(), ...opened.splice(0).map((ops) => ops.close())]);
  });

  function namespace(): string {
    const name = `verify-${++namespaceCounter}`;
    v1.configureJobs({ redis: server().url, namespace: name });
    v3.configureJobs({ redis: server().url, namespace: name });
    return name;
  }

  function options(ns: string, build: "with-chain" | "no-chain" = "with-chain", extra: object = {}): WaitingOptions {
    const [schema, lock] = build === "with-chain" ? [join(contracts, "billing-v3.schema.ts"), join(contracts, "billing-v3.lock.json")] : [join(noChainDir, "jobs.schema.ts"), join(noChainDir, "jobs.lock.json")];
    return { schema, lock, redis: server().url, namespace: ns, prefix: "tj:", json: true, examples: 10, ...extra };
  }

  function ops(ns: string): Operations {
    const opened1 = openOperations({ redis: server().url, namespace: ns });
    opened.push(opened1);
    return opened1;
  }

  /** v1 jobs waiting due (queue list and, with a priority, the ready set), delayed, retrying and recurring. */
  async function v1JobsInEveryState(): Promise<Record<string, string>> {
    const retrying = await v1.scheduleCharge({ cents: 500 }, { backoff: { type: "fixed", delay: "1h" } });
    const pool = v1.createPool({ handlers: { charge: () => Promise.reject(new Error("down")) } });
    await pool.start();
    try {
      await waitUntil(async () => (await v1.findJob(retrying.id)).retriesLeft === 1 && (await v1.findJob(retrying.id)).status === "queued");
    } finally {
      await pool.close();
    }
    const due = await v1.scheduleCharge({ cents: 100 });
    const prioritized = await v1.scheduleCharge({ cents: 200 }, { priority: 5 });
    const delayed = await v1.scheduleCharge({ cents: 300 }, { delay: "1h" });
    const recurring = await v1.scheduleRecurringCharge({ cents: 400 }, { every: "1h" }, { delay: "1h" });
    return { due: due.id, prioritized: prioritized.id, delayed: delayed.id, retrying: retrying.id, recurring: recurring.id };
  }

  it("without the migration verify counts v1 jobs in every state as would-reject, by pointer and keyword with example ids, and exits 1; with it, as would-migrate, exit 0", async () => {
    const ns = namespace();
    const ids = await v1JobsInEveryState();
    await v3.scheduleCharge({ amount: { cents: 1, currency: "USD" } });

    const without = await run<VerifyJson>(runVerify, options(ns, "no-chain"));
    expect(without.code).toBe(1);
    expect(without.doc.ok).toBe(false);
    const charge = without.doc.types.find((t) => t.type === "charge")!;
    expect({ jobs: charge.jobs, pass: charge.pass, reject: charge.reject, migrate: charge.migrate, unknown: charge.unknown }).toEqual({ jobs: 6, pass: 1, reject: 5, migrate: 0, unknown: 0 });
    expect(charge.byVersion).toEqual({ v1: 5, v3: 1 });
    expect(charge.rejections).toHaveLength(1);
    const [group] = charge.rejections;
    expect({ from: group!.from, pointer: group!.pointer, keyword: group!.keyword, count: group!.count }).toEqual({ from: "v1", pointer: "", keyword: "required", count: 5 });
    expect([...group!.examples].sort()).toEqual(Object.values(ids).sort());

    const withChain = await run<VerifyJson>(runVerify, options(ns));
    expect(withChain.code).toBe(0);
    const migrating = withChain.doc.types.find((t) => t.type === "charge")!;
    expect({ pass: migrating.pass, migrate: migrating.migrate, reject: migrating.reject, version: migrating.version, identity: migrating.identity }).toEqual({ pass: 1, migrate: 5, reject: 0, version: 3, identity: V3_IDENTITY });
  });

  it("the binary prints the groups as text and exits 1 when jobs would be rejected", { timeout: 60_000 }, async () => {
    const ns = namespace();
    const big = await v1.scheduleCharge({ cents: 2_000_000 });
    await v1.scheduleCharge({ cents: 20 });
    const cli = await runCliProcess(["--schema", join(contracts, "billing-v3.schema.ts"), "verify", "--redis", server().url, "--namespace", ns]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/^charge\s+v3\s+2\s+0\s+1\s+1\s+0\s+0\s+v1: 2$/m);
    expect(cli.stdout).toContain("charge v1 at / [migration]: 1 job, the migration step from v1 to v2 refused it: amounts over 10,000.00 need a currency");
    expect(cli.stdout).toContain(`e.g. ${big.id}`);
    expect(cli.stdout).toContain("jobs-gen verify: 1 job would be rejected");
  });

  it("agrees with a real pool job by job, counts an unknown identity apart, and issues no write", async () => {
    const ns = namespace();
    // A producer that stamps what it is told, writing payloads no closed writer would let through.
    const stamped = (identity: string): JobType<unknown> => ({ name: "charge", schemaHash: identity, schema: {}, check: (_v): _v is unknown => true, errors: () => [] });
    const raw = (identity: string) => createJobs<{ charge: unknown }>({ charge: stamped(identity) }, { redis: server().url, namespace: ns });
    const asV1 = raw(V1_IDENTITY);
    const asV3 = raw(V3_IDENTITY);
    const foreign = raw("ffffffffffffffff");
    try {
      const payloads: [ReturnType<typeof raw>, unknown][] = [
        [asV1, { cents: 7 }],
        [asV1, { cents: 7, note: "written open" }],
        [asV1, { cents: 0 }],
        [asV1, { cents: "7" }],
        [asV1, { cents: 3_000_000 }],
        [asV3, { amount: { cents: 9, currency: "EUR" } }],
        [asV3, { amount: { cents: 9, currency: "GBP" } }],
        [asV3, { amount: { cents: -1, currency: "USD" }, extra: true }],
        [asV3, { cents: 9 }],
      ];
      const all: string[] = [];
      for (const [producer, payload] of payloads) all.push((await producer.schedule("charge", payload)).id);
      const unknown = await foreign.schedule("charge", { amount: { cents: 1, currency: "EUR" } });
      await foreign.close();

      const watch = await monitor();
      const verified = await run<VerifyJson>(runVerify, options(ns, "with-chain", { examples: 100 }));
      const commands = await watch.stop();
      const admin = server().client();
      try {
        const names = [...new Set(commands.map((c) => c[0]!.toLowerCase()))];
        expect(names).toContain("hscan");
        for (const name of names) {
          expect(["eval", "evalsha", "fcall"]).not.toContain(name);
          const [info] = (await admin.call("COMMAND", "INFO", name)) as [[string, number, string[]]];
          expect({ name, write: info[2].includes("write") }).toEqual({ name, write: false });
        }
      } finally {
        admin.disconnect();
      }

      const charge = verified.doc.types.find((t) => t.type === "charge")!;
      expect(charge.unknownIdentities).toEqual([{ identity: "ffffffffffffffff", count: 1, examples: [unknown.id] }]);
      const predictedRejected = new Map<string, string[]>();
      for (const group of charge.rejections) for (const id of group.examples) predictedRejected.set(id, [...(predictedRejected.get(id) ?? []), `${group.pointer} ${group.message}`]);

      // Now the pool of the v3 build runs them all (the unknown one left out: a pool defers those).
      await ops(ns).cancel(unknown.id);
      const handled = new Map<string, unknown>();
      const pool = v3.createPool({ handlers: { charge: (payload, job) => void handled.set(job.id, payload) } });
      await pool.start();
      try {
        await waitUntil(async () => (await v3.jobs.counts()).total.queued === 0 && (await v3.jobs.counts()).total.executing === 0);
      } finally {
        await pool.close();
      }
      for (const id of all) {
        const job = await v3.findJob(id);
        if (predictedRejected.has(id)) {
          expect({ id, status: job.status }).toEqual({ id, status: "rejected" });
          const issues = (job.error?.issues ?? []).map((i) => `${i.path} ${i.message}`);
          for (const predicted of predictedRejected.get(id)!) expect(issues).toContain(predicted);
        } else {
          expect({ id, status: job.status }).toEqual({ id, status: "finished" });
        }
      }
      expect(charge.reject).toBe(predictedRejected.size);
      expect(charge.pass + charge.migrate).toBe(handled.size);
      expect(charge.migrate).toBe(2);
    } finally {
      await Promise.all([asV1.close(), asV3.close(), foreign.close()]);
    }
  });

  it("migrate is refused while a live pool lacks the newest identity, rewrites every waiting job once it closes, and leaves no old identity", async () => {
    const ns = namespace();
    const ids = await v1JobsInEveryState();
    const admin = ops(ns);
    // A live pool of the v1 build, which publishes the identities it knows, not v3's; paused, so it claims nothing.
    await admin.pause("charge");
    const oldPool = v1.createPool({ handlers: { charge: () => undefined } });
    await oldPool.start();
    let refused;
    try {
      await waitUntil(async () => (await admin.pools()).length === 1);
      refused = await run<MigrateJson>(runMigrate, { ...options(ns), dryRun: false });
    } finally {
      await oldPool.close();
    }
    expect(refused.code).toBe(1);
    expect(refused.doc.blockingPools).toEqual([expect.objectContaining({ types: ["charge"], publishesIdentities: true })]);
    expect((await v1.findJob(ids.due!)).schemaHash).toBe(V1_IDENTITY);

    // A pool that publishes the newest identity does not block (as the next build's pools will).
    await publishPool(ns, "next-build-pool", { charge: [V3_IDENTITY, V1_IDENTITY] });
    const dry = await run<MigrateJson>(runMigrate, { ...options(ns), dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.doc.types.find((t) => t.type === "charge")!.rewritten).toBe(5);
    expect((await v1.findJob(ids.due!)).schemaHash).toBe(V1_IDENTITY);

    const migrated = await run<MigrateJson>(runMigrate, { ...options(ns), dryRun: false });
    expect(migrated.code).toBe(0);
    expect(migrated.doc.types.find((t) => t.type === "charge")).toMatchObject({ rewritten: 5, skipped: 0, migrate: 5 });

    const after = await run<VerifyJson>(runVerify, options(ns));
    expect(after.code).toBe(0);
    expect(after.doc.types.find((t) => t.type === "charge")).toMatchObject({ jobs: 5, pass: 5, migrate: 0, byVersion: { v3: 5 } });
    const records = Object.values(await server().client().hgetall(`tj:{${ns}}:jobs`));
    expect(records).toHaveLength(5);
    for (const record of records) expect(record).not.toContain(V1_IDENTITY);
    const delayed = await v3.findJob(ids.delayed!);
    expect([delayed.payload, delayed.schemaHash, delayed.status]).toEqual([{ amount: { cents: 300, currency: "EUR" } }, V3_IDENTITY, "queued"]);
    const recurring = await v3.findJob(ids.recurring!);
    expect([recurring.payload, recurring.recurrence]).toEqual([{ amount: { cents: 400, currency: "EUR" } }, { every: 3_600_000 }]);
    expect((await v3.findJob(ids.retrying!)).retriesLeft).toBe(1);
  });

  it("a job claimed after it was read is skipped by the compare-and-set and keeps its record", async () => {
    const ns = namespace();
    const claimed = await v1.scheduleCharge({ cents: 10 });
    const waiting = await v1.scheduleCharge({ cents: 11 }, { delay: "1h" });
    const admin = ops(ns);
    const read: RunnableJob[] = [];
    for await (const batch of admin.scanRunnable()) read.push(...batch.jobs);
    expect(read.map((j) => j.id).sort()).toEqual([claimed.id, waiting.id].sort());

    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const pool = v3.createPool({ handlers: { charge: () => running } });
    await pool.start();
    try {
      await waitUntil(async () => (await v3.findJob(claimed.id)).status === "executing");
      const outcomes = await admin.rewritePayloads(read.map((j) => ({ id: j.id, revision: j.revision, schemaHash: V3_IDENTITY, payloadJson: '{"amount":{"cents":1,"currency":"EUR"}}' })));
      expect(Object.fromEntries(read.map((j, i) => [j.id, outcomes[i]]))).toEqual({ [claimed.id]: "skipped", [waiting.id]: "rewritten" });
      const executing = await v3.findJob(claimed.id);
      expect([executing.status, executing.schemaHash, executing.payload]).toEqual(["executing", V1_IDENTITY, { cents: 10 }]);
    } finally {
      release();
      await pool.close();
    }
    expect((await v3.findJob(waiting.id)).schemaHash).toBe(V3_IDENTITY);
  });

  /** Every command Redis runs from now until `stop`, as MONITOR reports them. */
  async function monitor(): Promise<{ stop: () => Promise<string[][]> }> {
    const client = server().client();
    const watcher = await client.monitor();
    const commands: string[][] = [];
    watcher.on("monitor", (_time: string, args: string[]) => void commands.push(args));
    return {
      stop: async () => {
        const marker = server().client();
        await marker.echo("verify-done"); // MONITOR reports in order: what came before this has been seen
        await waitUntil(() => commands.some((c) => c[0]?.toLowerCase() === "echo" && c[1] === "verify-done"));
        marker.disconnect();
        await watcher.disconnect();
        client.disconnect();
        return commands.filter((c) => !(c[0]?.toLowerCase() === "echo" && c[1] === "verify-done"));
      },
    };
  }

  /** Publishes a live pool's heartbeat and info by hand, as a pool that publishes identities does. */
  async function publishPool(ns: string, id: string, identities: { [type: string]: string[] }): Promise<void> {
    const client = server().client();
    try {
      const [seconds] = await client.time();
      await client.zadd(`tj:{${ns}}:pools`, Number(seconds) * 1000, id);
      await client.hset(`tj:{${ns}}:poolinfo`, id, JSON.stringify({ host: "next", pid: 1, types: Object.keys(identities), concurrency: 1, running: 0, startedAt: Number(seconds) * 1000, leaseMs: 600_000, identities }));
    } finally {
      client.disconnect();
    }
  }
});
