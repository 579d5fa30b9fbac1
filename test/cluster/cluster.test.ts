import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "ioredis";
import { createJobs, JobNotFoundError, type Jobs, type Pool, type PoolOptions } from "typed-jobs";
import { RedisCluster } from "../support/redis-cluster.js";
import { LUA_LIBRARY_NAME } from "../../src/redis/lua.generated.js";
import { waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType } from "../support/setup.js";

type M = { work: { n: number }; flaky: { n: number }; tick: { n: number } };
const types = {
  work: jobType<{ n: number }>("work", anyPayload),
  flaky: jobType<{ n: number }>("flaky", anyPayload, { retries: 3, backoff: { type: "fixed", delay: 20 } }),
  tick: jobType<{ n: number }>("tick", anyPayload),
};

/**
 * The core scenarios on a real three-master Redis Cluster, with namespaces whose hash tags land on
 * different masters, all run side by side through the library's `cluster` option.
 */
describe("on Redis Cluster, namespaces spread over the shards", () => {
  let cluster: RedisCluster;
  let raw: Cluster;
  let namespaces: string[] = [];
  const open: { close(): Promise<void> }[] = [];
  let run = 0;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    raw = cluster.client();
    namespaces = spreadNamespaces(cluster);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await raw?.quit().catch(() => raw.disconnect());
    await cluster?.stop();
  });

  /** One runtime per namespace, each namespace fresh for the test. */
  function runtimes(): { ns: string; jobs: Jobs<M> }[] {
    run++;
    return namespaces.map((base) => {
      const ns = `${base}-r${run}`;
      const jobs = createJobs<M>(types, { redis: { cluster: cluster.seeds }, namespace: ns });
      open.push(jobs);
      return { ns, jobs };
    });
  }

  function pool<K extends keyof M & string>(jobs: Jobs<M>, options: PoolOptions<M, K>): Pool {
    const p = jobs.createPool(options);
    open.unshift(p);
    return p;
  }

  it("places the namespaces' hash tags on at least two different masters", () => {
    const masters = new Set(namespaces.map((ns) => cluster.masterOf(cluster.keySlot(`tj:{${ns}}:jobs`))));
    expect(masters.size).toBeGreaterThanOrEqual(2);
    // Every key of a namespace is in the same slot, so each script runs on one node.
    for (const ns of namespaces) {
      const slots = new Set([`tj:{${ns}}:jobs`, `tj:{${ns}}:types`, `tj:{${ns}}:ready:work`, `tj:{${ns}}:wake:tick`].map((k) => cluster.keySlot(k)));
      expect(slots.size).toBe(1);
    }
  });

  it("schedules in every namespace and pools run the jobs, each namespace's keys on its own master", async () => {
    const all = runtimes();
    const ran = new Map<string, number[]>();
    for (const { ns, jobs } of all) {
      ran.set(ns, []);
      await pool(jobs, { handlers: { work: ({ n }) => void ran.get(ns)!.push(n) }, concurrency: 4, idleWait: "1s" }).start();
    }
    for (const { jobs } of all) {
      await jobs.scheduleBulk("work", [1, 2, 3, 4, 5].map((n) => ({ n })));
      await jobs.schedule("work", { n: 6 }, { delay: 50, priority: 5 });
    }
    await waitUntil(() => [...ran.values()].every((seen) => seen.length === 6), 15_000, "not every job ran");
    for (const { ns, jobs } of all) {
      expect([...ran.get(ns)!].sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await jobs.counts()).total).toMatchObject({ finished: 6, queued: 0, executing: 0 });
      const node = cluster.masterOf(cluster.keySlot(`tj:{${ns}}:jobs`));
      const client = cluster.nodeClient(node);
      try {
        expect(await client.hlen(`tj:{${ns}}:jobs`)).toBe(6);
      } finally {
        client.disconnect();
      }
    }
  });

  it("loads the scripts' function library on every master, and again on a shard that lost it", async () => {
    const libraries = async (port: number) => {
      const node = cluster.nodeClient(port);
      try {
        return ((await node.function("LIST")) as unknown[][]).map((library) => library[1]);
      } finally {
        node.disconnect();
      }
    };
    const flush = async (port: number) => {
      const node = cluster.nodeClient(port);
      await node.function("FLUSH").finally(() => node.disconnect());
    };
    for (const port of cluster.ports) await flush(port);
    const all = runtimes();
    for (const { jobs } of all) await jobs.schedule("work", { n: 1 });
    for (const port of cluster.ports) expect(await libraries(port)).toEqual([LUA_LIBRARY_NAME]);
    // A shard that lost it (a node replaced, FUNCTION FLUSH): the next call there loads it again.
    const lost = cluster.masterOf(cluster.keySlot(`tj:{${all[0]!.ns}}:jobs`));
    await flush(lost);
    await all[0]!.jobs.schedule("work", { n: 2 });
    expect(await libraries(lost)).toEqual([LUA_LIBRARY_NAME]);
    expect((await all[0]!.jobs.counts()).total.queued).toBe(2);
  });

  it("schedules a backlog one by one in every namespace, and a pool runs each job once", async () => {
    const all = runtimes();
    for (const { jobs } of all) for (let n = 0; n < 40; n++) await jobs.schedule("work", { n });
    const ran = new Map<string, number[]>();
    for (const { ns, jobs } of all) {
      ran.set(ns, []);
      await pool(jobs, { handlers: { work: ({ n }) => void ran.get(ns)!.push(n) }, concurrency: 4, idleWait: "1s" }).start();
    }
    await waitUntil(() => [...ran.values()].every((seen) => seen.length === 40), 15_000, "not every job ran");
    for (const seen of ran.values()) expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
  });

  it("retries a failing job until it succeeds", async () => {
    const all = runtimes();
    const attempts = new Map<string, number>();
    for (const { ns, jobs } of all) {
      await pool(jobs, {
        handlers: {
          flaky: () => {
            const a = (attempts.get(ns) ?? 0) + 1;
            attempts.set(ns, a);
            if (a < 3) throw new Error(`attempt ${a} fails`);
          },
        },
        idleWait: "1h",
      }).start();
    }
    const scheduled = await Promise.all(all.map(({ jobs }) => jobs.schedule("flaky", { n: 1 })));
    await waitUntil(async () => {
      const now = await Promise.all(scheduled.map((job) => job.refresh()));
      return now.every((job) => job.status === "finished");
    }, 15_000, "flaky jobs did not finish");
    for (const job of scheduled) {
      expect(job.attempts).toBe(3);
      expect(job.retriesLeft).toBe(1);
    }
  });

  it("runs a recurring job again and again", async () => {
    const all = runtimes();
    const ticks = new Map<string, number>();
    const recurring = [];
    for (const { ns, jobs } of all) {
      // An idle wait of an hour: only the wake-up from settling the previous run brings the next one.
      await pool(jobs, { handlers: { tick: () => void ticks.set(ns, (ticks.get(ns) ?? 0) + 1) }, idleWait: "1h" }).start();
      recurring.push(await jobs.scheduleRecurring("tick", { n: 0 }, { every: "100ms" }));
    }
    await waitUntil(() => all.every(({ ns }) => (ticks.get(ns) ?? 0) >= 3), 15_000, "recurring jobs did not run three times");
    // Read from the record in one command: a listing by status reads several keys, and the job may
    // move between them (queued, executing, queued again) while it is read.
    for (const job of recurring) {
      await job.refresh();
      expect(job.recurrence).toEqual({ every: 100 });
      expect(["queued", "executing"]).toContain(job.status);
    }
  });

  it("recovers a job whose pool stopped renewing its lease", async () => {
    const all = runtimes();
    const seeded: { jobs: Jobs<M>; id: string }[] = [];
    for (const { ns, jobs } of all) {
      // A job claimed by a pool that is gone: executing, lease deadline in the past.
      const job = await jobs.schedule("work", { n: 7 }, { delay: "1h" });
      const record = (await raw.hget(`tj:{${ns}}:jobs`, job.id))!;
      const newline = record.indexOf("\n");
      const header = { ...JSON.parse(record.slice(0, newline)), s: "executing", a: 1, st: Date.now() - 60_000, w: "dead-pool" };
      await raw.multi()
        .zrem(`tj:{${ns}}:scheduled:work`, job.id)
        .hset(`tj:{${ns}}:jobs`, job.id, `${JSON.stringify(header)}${record.slice(newline)}`)
        .zadd(`tj:{${ns}}:executing:work`, Date.now() - 30_000, job.id)
        .exec();
      expect((await jobs.findJob(job.id)).status).toBe("executing");
      seeded.push({ jobs, id: job.id });
    }
    const recovered: string[] = [];
    for (const { jobs } of all) {
      const p = pool(jobs, { handlers: { work: () => undefined }, leaseTime: "1s", idleWait: "200ms" });
      p.on("recovered", (ids) => recovered.push(...ids));
      await p.start();
    }
    await waitUntil(async () => {
      const now = await Promise.all(seeded.map(({ jobs, id }) => jobs.findJob(id)));
      return now.every((job) => job.status === "finished");
    }, 15_000, "seeded jobs were not recovered and run");
    expect(recovered.sort()).toEqual(seeded.map((s) => s.id).sort());
    for (const { jobs, id } of seeded) expect((await jobs.findJob(id)).attempts).toBe(2);
  });

  it("answers counts, findJob and listJobs, and cancels, reschedules and destroys", async () => {
    const all = runtimes();
    for (const { jobs } of all) {
      const later = await jobs.scheduleBulk("work", [{ n: 1 }, { n: 2 }, { n: 3 }], { delay: "1h" });
      const now = await jobs.schedule("tick", { n: 4 }, { priority: 10 });
      expect((await jobs.counts()).byType).toMatchObject({ work: { queued: 3 }, tick: { queued: 1 } });
      expect((await jobs.findJob(now.id)).payload).toEqual({ n: 4 });
      const queued = await jobs.listJobs("queued");
      // Due jobs first; jobs due at the same moment in no promised order.
      expect(queued[0]!.id).toBe(now.id);
      expect(queued.slice(1).map((j) => j.id).sort()).toEqual(later.map((j) => j.id).sort());

      expect(await later[0]!.cancel()).toBe(true);
      await later[1]!.reschedule(Date.now() + 7_200_000);
      await later[2]!.destroy();
      await expect(jobs.findJob(later[2]!.id)).rejects.toBeInstanceOf(JobNotFoundError);
      expect((await jobs.listJobs("cancelled")).map((j) => j.id)).toEqual([later[0]!.id]);
      expect((await jobs.counts()).total).toMatchObject({ queued: 2, cancelled: 1 });
      expect(await jobs.running()).toBe(0);
    }
  });
});

/**
 * Picks namespaces until their hash tags cover every master (slot ranges are fixed by
 * `redis-cli --cluster create`, so the choice is the same on every run).
 */
function spreadNamespaces(cluster: RedisCluster): string[] {
  const byMaster = new Map<number, string>();
  for (let i = 0; byMaster.size < cluster.ports.length && i < 100; i++) {
    const ns = `shard${i}`;
    const master = cluster.masterOf(cluster.keySlot(`tj:{${ns}}:jobs`));
    if (!byMaster.has(master)) byMaster.set(master, ns);
  }
  return [...byMaster.values()];
}
