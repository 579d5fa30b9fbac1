import { describe, expect, it } from "vitest";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { QUEUE_HOLE } from "../../src/redis/queue-hole.js";

// stats(): counts exactly as counts() gives them, plus delayed jobs, the wait of the oldest due job
// and the paused state per type, and the live pools; a fixed number of Redis calls.

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

type M = { alpha: { n: number }; beta: { n: number }; gamma: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload), gamma: jobType<{ n: number }>("gamma", anyPayload) };

/** HGET calls Redis served while `run` ran. */
async function recordReads(run: () => Promise<unknown>): Promise<number> {
  const hgets = async () => Number(/cmdstat_hget:calls=(\d+)/.exec(await redis().info("commandstats"))?.[1] ?? 0);
  const before = await hgets();
  await run();
  return (await hgets()) - before;
}

async function commandCalls(): Promise<number> {
  const info = await redis().info("commandstats");
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe("stats()", () => {
  it("matches counts() for a mixed population, with delayed jobs, the oldest due wait, paused types and pools", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    // alpha: finished, failed and one executing (held by its handler), then more queued behind it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const p = pool({ handlers: { alpha: async (payload) => {
      if (payload.n === 2) throw new Error("boom");
      if (payload.n === 3) await held;
    } }, concurrency: 1 });
    await jobs.schedule("alpha", { n: 1 });
    await jobs.schedule("alpha", { n: 2 });
    await jobs.schedule("alpha", { n: 3 });
    await p.start();
    await waitUntil(async () => (await jobs.counts()).byType.alpha!.executing === 1);
    // beta: due at priority 0 (the queue list), due with priorities (the ready zset), delayed, one cancelled.
    const firstDue = await jobs.schedule("beta", { n: 1 });
    await jobs.schedule("beta", { n: 2 }, { priority: 5 });
    await jobs.schedule("beta", { n: 3 }, { priority: -3 });
    await jobs.schedule("beta", { n: 4 }, { delay: "1h" });
    await jobs.schedule("beta", { n: 5 }, { delay: "2h" });
    await (await jobs.schedule("beta", { n: 6 })).cancel();
    // gamma: only an overdue scheduled job no pool has promoted yet (no pool runs gamma).
    const overdue = await jobs.schedule("gamma", { n: 1 }, { delay: 30 });
    await waitUntil(async () => (await redis().time()).map(Number).reduce((s, u) => s * 1000 + Math.floor(u / 1000)) > overdue.runAt.getTime());
    await redis().sadd(`tj:{${namespace}}:paused`, "beta");

    const [stats, counts] = await Promise.all([jobs.stats(), jobs.counts()]);
    expect(stats.total).toEqual(counts.total);
    expect(Object.fromEntries(Object.entries(stats.byType).map(([type, s]) => [type, s.counts]))).toEqual(counts.byType);
    expect(stats.byType.alpha).toMatchObject({ delayed: 0, oldestDueAgeMs: null, paused: false });
    expect(stats.byType.alpha!.counts).toMatchObject({ finished: 1, failed: 1, executing: 1 });
    expect(stats.byType.beta).toMatchObject({ delayed: 2, paused: true });
    expect(stats.byType.beta!.counts).toMatchObject({ queued: 5, cancelled: 1 });
    // The first beta job due (at priority 0, scheduled first) has waited longest.
    const beta = await jobs.findJob(firstDue.id);
    expect(stats.byType.beta!.oldestDueAgeMs).toBe(stats.at.getTime() - beta.runAt.getTime());
    // The run-at Redis stamped (the handle's is the local clock's estimate).
    const gamma = await jobs.findJob(overdue.id);
    expect(stats.byType.gamma).toMatchObject({ delayed: 0, paused: false, oldestDueAgeMs: stats.at.getTime() - gamma.runAt.getTime() });
    expect(stats.byType.gamma!.oldestDueAgeMs).toBeGreaterThan(0);
    await waitUntil(async () => (await jobs.stats()).pools.length === 1);
    expect((await jobs.stats()).pools.map((info) => info.id)).toEqual([p.id]);
    release();
  });

  it("the oldest due job among priorities is the one with the earliest run-at, whatever its priority", async () => {
    const { jobs } = bundle<M>(types);
    const early = await jobs.schedule("beta", { n: 1 }, { priority: -7, runAt: Date.now() - 60_000 });
    await jobs.schedule("beta", { n: 2 }, { priority: 9, runAt: Date.now() - 1000 });
    await jobs.schedule("beta", { n: 3 }, { priority: 9, runAt: Date.now() - 30_000 });
    await jobs.schedule("beta", { n: 4 }, { priority: 100 });
    const stats = await jobs.stats();
    expect(stats.byType.beta!.oldestDueAgeMs).toBe(stats.at.getTime() - early.runAt.getTime());
  });

  it("passes over queue entries whose job left the queue (a destroyed head)", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const gone = await jobs.schedule("beta", { n: 1 }, { runAt: Date.now() - 60_000 });
    const next = await jobs.schedule("beta", { n: 2 }, { runAt: Date.now() - 30_000 });
    // As a removal that leaves its entry in the list would: the record goes, the entry stays.
    await redis().hdel(`tj:{${namespace}}:jobs`, gone.id);
    expect(await redis().lrange(`tj:{${namespace}}:queue:beta`, 0, -1)).toEqual([gone.id, next.id]);
    const stats = await jobs.stats();
    expect(stats.byType.beta!.oldestDueAgeMs).toBe(stats.at.getTime() - next.runAt.getTime());
  });

  it("passes over holes a bulk cancel left at the head of the queue without reading a record for them, up to 1000 entries", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const waiting = await jobs.schedule("beta", { n: 1 }, { runAt: Date.now() - 60_000 });
    const hidden = await jobs.schedule("gamma", { n: 1 }, { runAt: Date.now() - 60_000 });
    // As bulkCancel leaves them (src/redis/queue-hole.ts): "" entries, counted in the holes hash.
    const holes = async (type: string, count: number) => {
      await redis().lpush(`tj:{${namespace}}:queue:${type}`, ...Array.from({ length: count }, () => QUEUE_HOLE));
      await redis().hincrby(`tj:{${namespace}}:holes`, type, count);
    };
    await holes("beta", 40);
    await holes("gamma", 1000);
    const plain = bundle<M>(types);
    await plain.jobs.schedule("beta", { n: 1 }, { runAt: Date.now() - 60_000 });
    await plain.jobs.schedule("gamma", { n: 1 }, { runAt: Date.now() - 60_000 });
    await plain.jobs.stats();
    await jobs.stats();

    const plainReads = await recordReads(() => plain.jobs.stats());
    let stats!: Awaited<ReturnType<typeof jobs.stats>>;
    const reads = await recordReads(async () => void (stats = await jobs.stats()));
    // Only dueStats.lua reads records: one per type without holes, and none for a hole.
    expect(plainReads).toBe(2);
    expect(reads).toBe(1);
    expect(stats.byType.beta!.counts.queued).toBe(1);
    expect(stats.byType.beta!.oldestDueAgeMs).toBe(stats.at.getTime() - waiting.runAt.getTime());
    // Past the lookahead the wait is not known: null, though gamma's job waits.
    expect(stats.byType.gamma!.counts.queued).toBe(1);
    expect(stats.byType.gamma!.oldestDueAgeMs).toBeNull();
    expect((await jobs.findJob(hidden.id)).status).toBe("queued");
  });

  it("reads Redis a fixed number of times whatever the number of jobs", async () => {
    const small = bundle<M>(types);
    await small.jobs.scheduleBulk("alpha", [{ n: 1 }]);
    await small.jobs.stats();
    const large = bundle<M>(types);
    await large.jobs.scheduleBulk("alpha", Array.from({ length: 5000 }, (_, n) => ({ n })));
    await large.jobs.scheduleBulk("beta", Array.from({ length: 500 }, (_, n) => ({ n })), { delay: "1h" });
    await large.jobs.stats();
    const before = await commandCalls();
    await small.jobs.stats();
    const smallCalls = (await commandCalls()) - before - 1;
    const middle = await commandCalls();
    await large.jobs.stats();
    const largeCalls = (await commandCalls()) - middle - 1;
    expect(largeCalls).toBe(smallCalls);
  });
});
