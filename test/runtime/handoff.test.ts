import { describe, expect, it } from "vitest";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { expectJobState, gate, keyOf, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// The direct hand-off through the public API: an idle pool is handed a job scheduled one by one
// (leased by the schedule itself, no claim between), never while it has no room, and a closing or
// dead pool loses none that were handed to it.

type M = { alpha: { n: number }; beta: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

/** The pools registered idle for a type, by id (an entry is '<lease ms>:<identities known>:<pool id>'). */
async function idlePools(namespace: string, type: string): Promise<string[]> {
  const members = await redis().zrange(keyOf(namespace, "idle", type), "0", "-1");
  return members.map((member) => member.replace(/^\d+:[^:]*:/, ""));
}

describe("hand-off to an idle pool", () => {
  it("a job scheduled while a pool waits idle is handed to it: the schedule returns it executing, leased to that pool, and the pool runs it", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const ran: string[] = [];
    const p = pool({ handlers: { alpha: async (_payload, job) => void ran.push(job.id), beta: async () => undefined } });
    await p.start();
    await waitUntil(async () => (await idlePools(namespace, "beta")).includes(p.id));
    const job = await jobs.schedule("beta", { n: 1 });
    expect(job).toMatchObject({ status: "executing", attempts: 1, poolId: p.id });
    await waitUntil(async () => (await jobs.findJob(job.id)).status === "finished");
    expect(await jobs.findJob(job.id)).toMatchObject({ attempts: 1, poolId: p.id });
    // Several in a row reach it the same way.
    for (let n = 0; n < 5; n++) {
      await waitUntil(async () => (await idlePools(namespace, "alpha")).includes(p.id));
      expect((await jobs.schedule("alpha", { n })).status).toBe("executing");
    }
    await waitUntil(() => ran.length === 5);
  });

  it("after a backlog scheduled one by one is drained, the next job is still handed to the idle pool", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const backlog: string[] = [];
    for (let n = 0; n < 100; n++) backlog.push((await jobs.schedule("alpha", { n })).id);
    expect(await redis().llen(keyOf(namespace, "queue", "alpha"))).toBe(100);
    const ran: string[] = [];
    const p = pool({ handlers: { alpha: async (_payload, job) => void ran.push(job.id), beta: async () => undefined } });
    await p.start();
    await waitUntil(async () => ran.length === 100 && (await idlePools(namespace, "alpha")).includes(p.id));
    expect([...ran].sort()).toEqual([...backlog].sort());
    const next = await jobs.schedule("alpha", { n: 100 });
    expect(next).toMatchObject({ status: "executing", poolId: p.id });
    await waitUntil(() => ran.length === 101);
    expect(ran[100]).toBe(next.id);
  });

  it("a burst of 300 schedules sent together to a pool that has drained a backlog: each is queued or handed to it, and every job runs once", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const ran: string[] = [];
    for (let n = 0; n < 40; n++) await jobs.schedule("alpha", { n });
    const p = pool({ handlers: { alpha: async (_payload, job) => void ran.push(job.id), beta: async () => undefined }, concurrency: 50 });
    await p.start();
    await waitUntil(async () => ran.length === 40 && (await idlePools(namespace, "alpha")).includes(p.id));
    const burst = await Promise.all(Array.from({ length: 300 }, (_, n) => jobs.schedule("alpha", { n: 100 + n })));
    expect(new Set(burst.map((job) => job.id)).size).toBe(300);
    await waitUntil(() => ran.length === 340);
    expect(new Set(ran).size).toBe(340);
    for (const job of burst) expect(ran).toContain(job.id);
  });

  it("with two pools waiting, every job is handed over and its record names the pool that ran it", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const ranBy = new Map<string, string>();
    const pools = [0, 1].map(() => {
      const p = pool({ handlers: { alpha: async (_payload, job) => void ranBy.set(job.id, p.id), beta: async () => undefined } });
      return p;
    });
    for (const p of pools) await p.start();
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) {
      await waitUntil(async () => (await idlePools(namespace, "alpha")).length === 2 && ranBy.size === n);
      const job = await jobs.schedule("alpha", { n });
      expect(job.status).toBe("executing");
      ids.push(job.id);
    }
    await waitUntil(async () => (await Promise.all(ids.map((id) => jobs.findJob(id)))).every((job) => job.status === "finished"));
    for (const id of ids) expect((await jobs.findJob(id)).poolId).toBe(ranBy.get(id));
    // The handler's view of its job names the pool that runs it too.
    expect(new Set(ranBy.values())).toEqual(new Set(pools.map((p) => p.id)));
  });

  it("a pool with no room left withdraws: the next job waits in the queue until a slot frees", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const release = gate();
    const started: string[] = [];
    const p = pool({ handlers: { alpha: async (_payload, job) => (started.push(job.id), release.promise), beta: async () => undefined }, concurrency: 1 });
    await p.start();
    await waitUntil(async () => (await idlePools(namespace, "alpha")).includes(p.id));
    const first = await jobs.schedule("alpha", { n: 1 });
    expect(first.status).toBe("executing");
    await waitUntil(async () => started.length === 1 && (await idlePools(namespace, "alpha")).length === 0 && (await idlePools(namespace, "beta")).length === 0);
    const second = await jobs.schedule("alpha", { n: 2 });
    expect(second.status).toBe("queued");
    await expectJobState(jobs, redis(), namespace, second.id, "queued");
    release.open();
    await waitUntil(async () => (await jobs.findJob(second.id)).status === "finished");
    expect(started).toEqual([first.id, second.id]);
  });

  it("a closing pool withdraws from idle: a job scheduled after it closed waits in the queue", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const p = pool({ handlers: { alpha: async () => undefined, beta: async () => undefined } });
    await p.start();
    await waitUntil(async () => (await idlePools(namespace, "alpha")).includes(p.id));
    await p.close();
    expect(await idlePools(namespace, "alpha")).toEqual([]);
    expect(await idlePools(namespace, "beta")).toEqual([]);
    const job = await jobs.schedule("alpha", { n: 1 });
    expect(job.status).toBe("queued");
    await expectJobState(jobs, redis(), namespace, job.id, "queued");
  });

  it("a wake-up that reaches a pool as it closes is passed on, not lost with it", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const p = pool({ handlers: { alpha: async () => undefined, beta: async () => undefined } });
    await p.start();
    await waitUntil(async () => (await idlePools(namespace, "alpha")).includes(p.id));
    await jobs.counts(); // connected
    const wakeKey = keyOf(namespace, "wake", "alpha");
    const closed = p.close();
    // Sent before the close unblocks the pool's wait (that waits for its withdrawal's reply): the
    // closing pool's BLPOP pops the token.
    await redis().rpush(wakeKey, "1");
    await closed;
    expect(await redis().lrange(wakeKey, 0, -1)).toEqual(["1"]);
  });

  it("a job handed over as its pool closes is run or given back, never left leased to the closed pool", async () => {
    for (let round = 0; round < 15; round++) {
      const { jobs, namespace, pool } = bundle<M>(types);
      const p = pool({ handlers: { alpha: async () => undefined, beta: async () => undefined } });
      await p.start();
      await waitUntil(async () => (await idlePools(namespace, "alpha")).includes(p.id));
      await jobs.counts(); // connected: the schedule goes out at once
      // The schedule goes out from just before the close to a little after, so that the hand-off
      // lands before, during and after the close's withdrawal.
      const closeFirst = round % 2 === 1;
      const closed = closeFirst ? p.close() : undefined;
      const scheduled = jobs.schedule("alpha", { n: round });
      for (let spin = performance.now(); performance.now() - spin < (round % 4) * 0.05; );
      await (closed ?? p.close());
      const job = await scheduled;
      const now = await jobs.findJob(job.id);
      if (now.status === "queued") expect(now.attempts).toBe(0);
      else expect(now.status).toBe("finished");
      await expectJobState(jobs, redis(), namespace, job.id, now.status);
    }
  });

  it("a job handed to a pool that died waiting is taken by the next pool's claim, leased anew", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    await redis().zadd(keyOf(namespace, "idle", "alpha"), Date.now() + 60_000, "30000:*:dead-pool");
    const job = await jobs.schedule("alpha", { n: 1 });
    expect(job).toMatchObject({ status: "executing", poolId: "dead-pool" });
    const p = pool({ handlers: { alpha: async () => undefined, beta: async () => undefined } });
    await p.start();
    await waitUntil(async () => (await jobs.findJob(job.id)).status === "finished");
    expect(await jobs.findJob(job.id)).toMatchObject({ attempts: 1, poolId: p.id });
  });
});
