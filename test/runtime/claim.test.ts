import { describe, expect, it } from "vitest";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { expectJobState, gate, keyOf, recordEvents, seedRecord, setsHolding, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow scripts_test.go (pop_next_jobs) and pool_test.go's ordering scenarios, as tests of our
// claim through the public API: which jobs a pool takes, in which order, and what Redis holds after.

type M = { task: { n: number }; alpha: { n: number }; beta: { n: number }; gamma: { n: number } };
const types = {
  task: jobType<{ n: number }>("task", anyPayload),
  alpha: jobType<{ n: number }>("alpha", anyPayload),
  beta: jobType<{ n: number }>("beta", anyPayload),
  gamma: jobType<{ n: number }>("gamma", anyPayload),
};

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("claiming (albrow pop_next_jobs and pool ordering)", () => {
  it("TestPopNextJobsScript: claims the best due jobs only, leaves jobs not yet due and other pools' jobs alone", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const now = Date.now();
    await jobs.schedule("task", { n: 1 }, { id: "one", priority: 1, runAt: now + 3_600_000 });
    await jobs.schedule("task", { n: 2 }, { id: "two", priority: 2, runAt: now - 10 });
    await jobs.schedule("task", { n: 3 }, { id: "three", priority: 3, runAt: now + 3_600_000 });
    await jobs.schedule("task", { n: 4 }, { id: "four", priority: 4, runAt: now - 10 });
    // "five" is held by another, live pool: its lease runs for another minute.
    await seedRecord(redis(), namespace, "task", "five", `{"at":${now},"t":"task","s":"executing","pr":5,"a":1,"w":"otherPool","st":${now}}\n{"n":5}`, "executing", now + 60_000);

    const release = gate();
    const started: string[] = [];
    const p = pool({ handlers: { task: async (_payload, job) => (started.push(job.id), release.promise) }, concurrency: 2 });
    await p.start();
    await waitUntil(() => started.length === 2);
    expect(started).toEqual(["four", "two"]);

    expect(await redis().zrange(keyOf(namespace, "executing", "task"), "0", "-1")).toEqual(expect.arrayContaining(["five", "four", "two"]));
    expect(await redis().zcard(keyOf(namespace, "executing", "task"))).toBe(3);
    expect(await redis().zrange(keyOf(namespace, "scheduled", "task"), "0", "-1")).toEqual(["one", "three"]);
    expect(await redis().zcard(keyOf(namespace, "ready", "task"))).toBe(0);
    expect((await jobs.findJob("five")).poolId).toBe("otherPool");
    release.open();
    await waitUntil(async () => (await redis().zcard(keyOf(namespace, "finished", "task"))) === 2);
    await p.close();
    expect(await redis().zrange(keyOf(namespace, "executing", "task"), "0", "-1")).toEqual(["five"]);
  });

  it("TestGetNextJobs: the high-priority job is claimed first, executing, owned by the pool, attempt counted", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    await jobs.scheduleBulk("task", Array.from({ length: 10 }, (_, n) => ({ n })), { priority: 100 });
    const high = await jobs.schedule("task", { n: 1000 }, { priority: 1000 });
    const release = gate();
    const started: string[] = [];
    const p = pool({ handlers: { task: async (_payload, job) => (started.push(job.id), release.promise) }, concurrency: 1 });
    await p.start();
    await waitUntil(() => started.length === 1);
    expect(started).toEqual([high.id]);
    await expectJobState(jobs, redis(), namespace, high.id, "executing");
    const claimed = await jobs.findJob(high.id);
    expect(claimed).toMatchObject({ status: "executing", poolId: p.id, attempts: 1, priority: 1000, payload: { n: 1000 } });
    expect(claimed.startedAt).toBeInstanceOf(Date);
    expect(claimed.finishedAt).toBeUndefined();
    expect(claimed.durationMs).toBeUndefined();
    expect(await redis().zcard(keyOf(namespace, "ready", "task"))).toBe(10);
    release.open();
  });

  it("TestJobsWithHigherPriorityExecutedFirst: with 4 slots, the 4 highest of 8 run; after close the other 4 are still queued", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const created = new Map<number, string>();
    for (const priority of [3, 8, 1, 6, 5, 2, 7, 4]) created.set(priority, (await jobs.schedule("task", { n: priority }, { priority })).id);
    const release = gate();
    const ran: number[] = [];
    const p = pool({ handlers: { task: async ({ n }) => (ran.push(n), release.promise) }, concurrency: 4 });
    await p.start();
    await waitUntil(() => ran.length === 4);
    const closing = p.close();
    release.open();
    await closing;
    expect(ran.sort()).toEqual([5, 6, 7, 8]);
    for (const [priority, id] of created) {
      if (priority >= 5) await expectJobState(jobs, redis(), namespace, id, "finished");
      else expect(await expectJobState(jobs, redis(), namespace, id, "queued")).toBe("ready");
    }
  });

  it("FIFO among equal priorities: jobs run in due-time order, not in id or insertion order", async () => {
    const { jobs, pool } = bundle<M>(types);
    const base = Date.now() - 10_000;
    // Ids sort the opposite way from their due times, and they are scheduled in neither order.
    const due = { e: 0, d: 1, c: 2, b: 3, a: 4 } as const;
    for (const id of ["c", "a", "e", "b", "d"] as const) await jobs.schedule("task", { n: due[id] }, { id, priority: 10, runAt: base + due[id] * 1000 });
    const ran: number[] = [];
    await pool({ handlers: { task: ({ n }) => void ran.push(n) }, concurrency: 1 }).start();
    await waitUntil(() => ran.length === 5);
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  });

  it("across the types of one pool: priority first, then priority 0 by due time whatever the type, each type in its queue list's order", async () => {
    const { jobs, pool } = bundle<M>(types);
    const base = Date.now() - 10_000;
    // All are due when scheduled, so the priority-0 ones join their type's queue list in this order.
    await jobs.schedule("alpha", { n: 2 }, { runAt: base + 3000 });
    await jobs.schedule("beta", { n: 1 }, { runAt: base + 1000 });
    // Due earlier than alpha's n: 2 but queued behind it: a type's list runs from its head, in list order.
    await jobs.schedule("alpha", { n: 3 }, { runAt: base + 2000 });
    await jobs.schedule("beta", { n: 4 }, { runAt: base + 4000 });
    await jobs.schedule("beta", { n: 0 }, { runAt: base + 5000, priority: 1 });
    const ran: number[] = [];
    const record = ({ n }: { n: number }) => void ran.push(n);
    await pool({ handlers: { alpha: record, beta: record }, concurrency: 1 }).start();
    await waitUntil(() => ran.length === 5);
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  });

  it("a pool never claims a type it has no handler for: two pools share a namespace, each runs only its own", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const alphas = await jobs.scheduleBulk("alpha", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const betas = await jobs.scheduleBulk("beta", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const gamma = await jobs.schedule("gamma", { n: 1 });
    const seen: { pool: string; type: string }[] = [];
    const a = pool({ handlers: { alpha: (_p, job) => void seen.push({ pool: "a", type: job.type }) }, concurrency: 2 });
    const b = pool({ handlers: { beta: (_p, job) => void seen.push({ pool: "b", type: job.type }) }, concurrency: 2 });
    expect(a.types).toEqual(["alpha"]);
    await Promise.all([a.start(), b.start()]);
    await waitUntil(async () => (await jobs.counts()).total.finished === 6);
    expect(seen.filter((s) => s.pool === "a").map((s) => s.type)).toEqual(["alpha", "alpha", "alpha"]);
    expect(seen.filter((s) => s.pool === "b").map((s) => s.type)).toEqual(["beta", "beta", "beta"]);
    for (const job of alphas) expect((await jobs.findJob(job.id)).poolId).toBe(a.id);
    for (const job of betas) expect((await jobs.findJob(job.id)).poolId).toBe(b.id);
    expect(await expectJobState(jobs, redis(), namespace, gamma.id, "queued")).toBe("queue");
    expect(await setsHolding(redis(), namespace, "gamma", gamma.id)).toEqual({ queue: 0 });
    expect((await jobs.findJob(gamma.id)).attempts).toBe(0);
  });

  it("TestStatusIsExecutingWhileExecuting: every running job is executing in its record and its set, with a lease in the future", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const created = await jobs.scheduleBulk("task", [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
    const release = gate();
    let started = 0;
    const p = pool({ handlers: { task: async () => (started++, release.promise) }, concurrency: 4 });
    await p.start();
    await waitUntil(() => started === 4);
    for (const job of created) {
      await expectJobState(jobs, redis(), namespace, job.id, "executing");
      const held = await setsHolding(redis(), namespace, "task", job.id);
      expect(held.executing).toBeGreaterThan(Date.now());
    }
    expect(await jobs.running()).toBe(4);
    expect(p.activeCount).toBe(4);
    release.open();
    await waitUntil(async () => (await jobs.running()) === 0);
    for (const job of created) await expectJobState(jobs, redis(), namespace, job.id, "finished");
  });
});
