import { describe, expect, it } from "vitest";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { blockedPools, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// Delayed jobs become due through each pool's scheduler (src/pool/scheduler.ts, promote.lua), which
// wakes a pool blocked idle: a job runs at its run-at, however long the pools' idle wait.

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

/** Bound for "on time" on a loaded machine: far below the pools' minute of idle wait. */
const LATE_MS = 3000;

describe("delayed jobs and the scheduler", () => {
  it("a job delayed before the pool started runs at its run-at, while the pool waits idle for a minute", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 }, { delay: 400 });
    const started: number[] = [];
    await pool({ handlers: { task: () => void started.push(Date.now()) }, idleWait: "60s" }).start();
    await waitUntil(async () => (await blockedPools(redis())) > 0);
    await waitUntil(() => started.length === 1);
    const { runAt } = await jobs.findJob(job.id);
    expect(started[0]!).toBeGreaterThanOrEqual(runAt.getTime());
    expect(started[0]! - runAt.getTime()).toBeLessThan(LATE_MS);
  });

  it("a job delayed while the pool waits idle runs at its run-at, not when the idle wait ends", async () => {
    const { jobs, pool } = bundle<M>(types);
    const started: number[] = [];
    await pool({ handlers: { task: () => void started.push(Date.now()) }, idleWait: "60s" }).start();
    await waitUntil(async () => (await blockedPools(redis())) > 0);
    const job = await jobs.schedule("task", { n: 1 }, { delay: 400 });
    // The run-at Redis stored: the handle's is the client's estimate, made after the reply.
    const runAt = (await jobs.findJob(job.id)).runAt.getTime();
    await waitUntil(() => started.length === 1);
    expect(started[0]!).toBeGreaterThanOrEqual(runAt);
    expect(started[0]! - runAt).toBeLessThan(LATE_MS);
  });

  it("an earlier delayed job scheduled after a later one runs first, at its own run-at", async () => {
    const { jobs, pool } = bundle<M>(types);
    const started = new Map<number, number>();
    await pool({ handlers: { task: ({ n }) => void started.set(n, Date.now()) }, idleWait: "60s" }).start();
    await waitUntil(async () => (await blockedPools(redis())) > 0);
    const later = await jobs.schedule("task", { n: 2 }, { delay: 1500 });
    const sooner = await jobs.schedule("task", { n: 1 }, { delay: 300 });
    const [laterAt, soonerAt] = await Promise.all([later, sooner].map(async (job) => (await jobs.findJob(job.id)).runAt.getTime()));
    await waitUntil(() => started.size === 2);
    expect(started.get(1)! - soonerAt!).toBeLessThan(LATE_MS);
    expect(started.get(1)!).toBeLessThan(started.get(2)!);
    expect(started.get(2)!).toBeGreaterThanOrEqual(laterAt!);
  });

  it("jobs falling due while every slot of two pools is busy run once a slot frees, each once", async () => {
    const { jobs, pool } = bundle<M>(types);
    const runs: number[] = [];
    let release!: () => void;
    const busy = new Promise<void>((resolve) => (release = resolve));
    const handler = async ({ n }: { n: number }) => {
      runs.push(n);
      if (n === 0) await busy;
    };
    await pool({ handlers: { task: handler }, concurrency: 1, idleWait: "60s" }).start();
    await pool({ handlers: { task: handler }, concurrency: 1, idleWait: "60s" }).start();
    const blockers = await jobs.scheduleBulk("task", [{ n: 0 }, { n: 0 }]);
    await waitUntil(() => runs.length === 2);
    const delayed = await jobs.scheduleBulk("task", [{ n: 1 }, { n: 2 }, { n: 3 }], { delay: 300 });
    // Both pools are busy, so neither claims when the jobs fall due.
    await waitUntil(() => Date.now() > delayed[0]!.runAt.getTime() + 100);
    expect(runs.length).toBe(2);
    release();
    await waitUntil(() => runs.length === 5);
    expect(runs.slice(2).sort()).toEqual([1, 2, 3]);
    for (const job of delayed) {
      const stored = await jobs.findJob(job.id);
      expect(stored.startedAt!.getTime()).toBeGreaterThanOrEqual(stored.runAt.getTime());
    }
    for (const job of blockers) expect((await jobs.findJob(job.id)).status).toBe("finished");
  });
});
