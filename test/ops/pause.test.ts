import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobs, InvalidOptionError, openOperations, UnknownJobTypeError } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { blockedPools, gate, keyOf, useRedisClient, waitForStatus, scriptCalls } from "../support/redis-state.js";
import { RedisServer, waitUntil } from "../support/redis-server.js";

// Pausing a type holds every pool off it (and only it) until resume, through restarts; a resume
// reaches an idle pool at once, with no polling added to idle pools.

type M = { alpha: { n: number }; beta: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("pause and resume", () => {
  it("a paused type is not claimed while the pool's other type runs on; a job running at pause finishes; resume runs the rest", async () => {
    const { jobs, pool } = bundle<M>(types);
    const running = gate();
    const release = gate();
    const ran: string[] = [];
    const p = pool({
      handlers: {
        alpha: async ({ n }) => {
          ran.push(`alpha${n}`);
          if (n === 0) {
            running.open();
            await release.promise;
          }
        },
        beta: async ({ n }) => void ran.push(`beta${n}`),
      },
      concurrency: 4,
    });
    await p.start();
    const first = await jobs.schedule("alpha", { n: 0 });
    await running.promise;
    await jobs.pause("alpha");
    expect(await jobs.pausedTypes()).toEqual(["alpha"]);
    const held = await jobs.scheduleBulk("alpha", [{ n: 1 }, { n: 2 }]);
    const others = await jobs.scheduleBulk("beta", [{ n: 1 }, { n: 2 }]);
    for (const job of others) await waitForStatus(job, "finished");
    release.open();
    await waitForStatus(first, "finished");
    // The pool has claimed since (the beta jobs, the settle of the first): the paused jobs wait.
    for (const job of held) expect((await jobs.findJob(job.id)).status).toBe("queued");
    expect(ran.filter((r) => r.startsWith("alpha"))).toEqual(["alpha0"]);
    await jobs.resume("alpha");
    expect(await jobs.pausedTypes()).toEqual([]);
    for (const job of held) await waitForStatus(job, "finished");
    expect(ran.filter((r) => r.startsWith("alpha"))).toEqual(["alpha0", "alpha1", "alpha2"]);
  });

  it("resume wakes an idle pool at once, well within its idle wait", async () => {
    const { jobs, pool } = bundle<M>(types);
    await jobs.pause("alpha");
    const p = pool({ handlers: { alpha: async () => undefined, beta: async () => undefined }, idleWait: "60s" });
    await p.start();
    const job = await jobs.schedule("alpha", { n: 1 });
    await waitUntil(async () => (await blockedPools(redis())) >= 1);
    expect((await jobs.findJob(job.id)).status).toBe("queued");
    const resumedAt = performance.now();
    await jobs.resume("alpha");
    await waitForStatus(job, "finished", 5_000);
    expect(performance.now() - resumedAt).toBeLessThan(3_000);
  });

  it("no job of a paused type is handed to an idle pool: pause withdraws its idle pools, and claims register none", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const p = pool({ handlers: { alpha: async () => undefined, beta: async () => undefined }, idleWait: "60s" });
    await p.start();
    await waitUntil(async () => (await redis().zcard(keyOf(namespace, "idle", "alpha"))) === 1);
    await jobs.pause("alpha");
    expect(await redis().zcard(keyOf(namespace, "idle", "alpha"))).toBe(0);
    const job = await jobs.schedule("alpha", { n: 1 });
    expect(job.status).toBe("queued");
    expect(await redis().llen(keyOf(namespace, "handoff", "alpha"))).toBe(0);
    // The pool still takes beta jobs handed over, and comes back idle for beta only.
    await waitUntil(async () => (await redis().zcard(keyOf(namespace, "idle", "beta"))) === 1);
    expect((await jobs.schedule("beta", { n: 1 })).status).toBe("executing");
    await waitUntil(async () => (await redis().zcard(keyOf(namespace, "idle", "beta"))) === 1);
    expect(await redis().zcard(keyOf(namespace, "idle", "alpha"))).toBe(0);
    expect((await jobs.findJob(job.id)).status).toBe("queued");
  });

  it("pause takes back a job handed to an idle pool and not yet popped: it waits queued, at the front, until resume", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    // An idle pool that will never pop: the schedule hands it the job and it stays in handoff:alpha.
    await redis().zadd(keyOf(namespace, "idle", "alpha"), Date.now() + 60_000, "60000:*:absent-pool");
    const handed = await jobs.schedule("alpha", { n: 1 });
    expect(handed.status).toBe("executing");
    expect(await redis().llen(keyOf(namespace, "handoff", "alpha"))).toBe(1);
    const behind = await jobs.schedule("alpha", { n: 2 });
    await jobs.pause("alpha");
    expect(await redis().llen(keyOf(namespace, "handoff", "alpha"))).toBe(0);
    expect(await redis().zscore(keyOf(namespace, "executing", "alpha"), handed.id)).toBeNull();
    expect(await redis().lrange(keyOf(namespace, "queue", "alpha"), 0, -1)).toEqual([handed.id, behind.id]);
    expect(await jobs.findJob(handed.id)).toMatchObject({ status: "queued", attempts: 0 });

    const ran: number[] = [];
    await pool({ handlers: { alpha: async ({ n }) => void ran.push(n), beta: async () => undefined }, idleWait: "60s" }).start();
    // Beta jobs scheduled after it are run: the pool has claimed past the paused type.
    for (const job of await jobs.scheduleBulk("beta", [{ n: 1 }, { n: 2 }])) await waitForStatus(job, "finished");
    expect(ran).toEqual([]);
    expect((await jobs.findJob(handed.id)).status).toBe("queued");
    await jobs.resume("alpha");
    await waitForStatus(behind, "finished");
    expect(ran).toEqual([1, 2]);
    expect(await jobs.findJob(handed.id)).toMatchObject({ status: "finished", attempts: 1 });
  });

  it("a wake-up for a paused type does not make an idle pool spin: it claims once and blocks again", async () => {
    const { jobs, pool } = bundle<M>(types);
    await jobs.pause("alpha");
    const p = pool({ handlers: { alpha: async () => undefined, beta: async () => undefined }, idleWait: "60s" });
    await p.start();
    await waitUntil(async () => (await blockedPools(redis())) >= 1);
    // Onto an empty queue: the schedule rings alpha's wake list.
    const job = await jobs.schedule("alpha", { n: 1 });
    const before = await scriptCalls(redis());
    await waitUntil(async () => (await blockedPools(redis())) >= 1);
    // A beta job scheduled after the wake-up, run and settled: the pool has claimed past the paused
    // type since, and a spinning pool would have claimed over and over meanwhile.
    const other = await jobs.schedule("beta", { n: 1 });
    await waitForStatus(other, "finished");
    await waitUntil(async () => (await blockedPools(redis())) >= 1);
    // The claim after the wake-up, the beta job's schedule, its settle, and a claim or two after.
    expect(await scriptCalls(redis()) - before).toBeLessThan(8);
    expect((await jobs.findJob(job.id)).status).toBe("queued");
  });

  it("a type name that breaks the naming rule is an InvalidOptionError", async () => {
    const { jobs } = bundle<M>(types);
    const ops = (jobs as unknown as { ops(): { pause(t: string): Promise<void>; resume(t: string): Promise<void> } }).ops();
    await expect(ops.pause("no spaces")).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(ops.resume("1st")).rejects.toBeInstanceOf(InvalidOptionError);
  });
});

describe("operations on a type no one knows", () => {
  it("pause, resume and the bulk actions throw UnknownJobTypeError before anything runs, unless the type was scheduled or published", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const ops = openOperations({ redis: server().url, namespace });
    try {
      const attempts = [
        () => ops.pause("alpah"),
        () => ops.resume("alpah"),
        () => ops.retryAll({ type: "alpah", status: "failed" }),
        () => ops.cancelAll({ type: "alpah", status: "queued" }),
        () => ops.destroyAll({ type: "alpah", status: "finished" }),
      ];
      for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(UnknownJobTypeError);
      await expect(ops.pause("alpah")).rejects.toThrow(/unknown job type "alpah"/);
      expect(await ops.pausedTypes()).toEqual([]);
      // Known: by the runtime's own contract; to a tool, once scheduled (the types set), or once
      // published to the contract registry (field `<type>\n<hash>`).
      await jobs.pause("alpha");
      await redis().sadd(`tj:{${namespace}}:types`, "delta");
      await ops.pause("delta");
      await redis().hset(`tj:{${namespace}}:contracts`, "gamma\nhash1", JSON.stringify({ schema: {}, firstSeen: 1 }));
      expect(await ops.destroyAll({ type: "gamma", status: "finished" })).toMatchObject({ changed: 0 });
      expect(await ops.pausedTypes()).toEqual(["alpha", "delta"]);
    } finally {
      await ops.close();
    }
  });
});

describe("a paused type survives a Redis restart (AOF)", () => {
  let persistent: RedisServer;
  beforeAll(async () => {
    persistent = await RedisServer.start({ persistent: true });
  });
  afterAll(async () => {
    await persistent.stop();
  });

  it("is still paused after kill -9 and restart, and a pool started after holds off it", async () => {
    const jobs = createJobs<M>(types, { redis: persistent.url, namespace: "restart" });
    try {
      await jobs.pause("alpha");
      const job = await jobs.schedule("alpha", { n: 1 });
      await persistent.kill();
      await persistent.restart();
      await waitUntil(async () => (await jobs.pausedTypes().catch((): string[] => [])).includes("alpha"));
      const p = jobs.createPool({ handlers: { alpha: async () => undefined, beta: async () => undefined } });
      await p.start();
      try {
        const other = await jobs.schedule("beta", { n: 1 });
        await waitForStatus(other, "finished");
        expect((await jobs.findJob(job.id)).status).toBe("queued");
        await jobs.resume("alpha");
        await waitForStatus(await jobs.findJob(job.id), "finished");
      } finally {
        await p.close();
      }
    } finally {
      await jobs.close();
    }
  });
});
