import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ClosedError, type JobSnapshot } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { eventsOf, expectJobState, gate, recordEvents, setsHolding, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow pool_test.go: pool registration, running every job once, due times, timestamps, and
// close() (which in albrow was Close + Wait).

type M = { task: { n: number }; noArgs: null };
const types = { task: jobType<{ n: number }>("task", anyPayload), noArgs: jobType<null>("noArgs", (v) => v === null) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("pools (albrow pool_test.go)", () => {
  it("TestPoolIdSet: a started pool is registered with a heartbeat; a closed one is not", async () => {
    const { namespace, pool } = bundle<M>(types);
    const p = pool({ handlers: { task: () => undefined } });
    await p.start();
    await waitUntil(async () => (await redis().zscore(`tj:{${namespace}}:pools`, p.id)) !== null);
    await p.close();
    expect(await redis().zscore(`tj:{${namespace}}:pools`, p.id)).toBeNull();
    // close is idempotent, and a closed pool cannot start again.
    await p.close();
    await expect(p.start()).rejects.toBeInstanceOf(ClosedError);
  });

  it("TestExecuteJobWithNoArguments: a job with a null payload runs", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("noArgs", null);
    let ran = 0;
    await pool({ handlers: { noArgs: () => void ran++ }, concurrency: 1 }).start();
    await waitForStatus(job, "finished");
    expect(ran).toBe(1);
  });

  it("a handler's payload is its job snapshot's payload, and the one the started event carries: parsed once per attempt", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 7 });
    let same: boolean | undefined;
    let handed: unknown;
    const p = pool({
      handlers: {
        task: (payload, running) => {
          handed = payload;
          same = running.job.payload === payload;
        },
      },
    });
    const started: unknown[] = [];
    p.on("started", (snapshot) => started.push(snapshot.payload));
    await p.start();
    await waitForStatus(job, "finished");
    expect(handed).toEqual({ n: 7 });
    expect(same).toBe(true);
    expect(started).toEqual([handed]);
    expect(started[0]).toBe(handed);
  });

  it("the started and finished events and the handler's job are one snapshot of the job as claimed, made whether or not anyone listens", async () => {
    const { jobs, pool } = bundle<M>(types);
    const quiet = await jobs.schedule("task", { n: 1 });
    const seen = new Map<number, JobSnapshot>();
    const p = pool({ concurrency: 1, handlers: { task: ({ n }, running) => void seen.set(n, running.job) } });
    await p.start();
    await waitForStatus(quiet, "finished");
    // Nobody listened to the first: the handler's job is complete all the same.
    expect(seen.get(1)).toMatchObject({ id: quiet.id, type: "task", status: "executing", attempts: 1, payload: { n: 1 } });
    expect(seen.get(1)!.startedAt).toBeInstanceOf(Date);
    await p.close();
    const heard = await jobs.schedule("task", { n: 2 });
    const started: JobSnapshot[] = [];
    const finished: JobSnapshot[] = [];
    const listened = pool({ concurrency: 1, handlers: { task: ({ n }, running) => void seen.set(n, running.job) } });
    listened.on("started", (snapshot) => started.push(snapshot));
    listened.on("finished", (snapshot) => finished.push(snapshot));
    await listened.start();
    await waitForStatus(heard, "finished");
    await waitUntil(() => finished.length === 1);
    expect(started[0]).toBe(seen.get(2));
    expect(finished[0]).toBe(seen.get(2));
    expect(started[0]).toMatchObject({ id: heard.id, status: "executing", attempts: 1 });
  });

  it("TestJobsOnlyExecutedOnce: two pools racing for 20 jobs run each exactly once", async () => {
    const { jobs, pool } = bundle<M>(types);
    const created = await jobs.scheduleBulk("task", Array.from({ length: 20 }, (_, n) => ({ n })), { priority: 100 });
    const counts = new Map<number, number>();
    const handler = ({ n }: { n: number }) => void counts.set(n, (counts.get(n) ?? 0) + 1);
    await Promise.all([pool({ handlers: { task: handler }, concurrency: 4 }).start(), pool({ handlers: { task: handler }, concurrency: 4 }).start()]);
    await waitUntil(async () => (await jobs.counts()).total.finished === 20);
    expect([...counts.values()]).toEqual(Array(20).fill(1));
    for (const job of created) expect((await jobs.findJob(job.id)).attempts).toBe(1);
  });

  it("TestAllJobsExecuted: 50 jobs on 4 workers all run", async () => {
    const { jobs, pool } = bundle<M>(types);
    await jobs.scheduleBulk("task", Array.from({ length: 50 }, (_, n) => ({ n })));
    const ran = new Set<number>();
    await pool({ handlers: { task: ({ n }) => void ran.add(n) }, concurrency: 4 }).start();
    await waitUntil(() => ran.size === 50);
    await waitUntil(async () => (await jobs.counts()).total.finished === 50);
    expect(await jobs.running()).toBe(0);
  });

  it("a 'finished' listener that throws is reported as a pool error; every job still ends finished, each once", async () => {
    const { jobs, pool } = bundle<M>(types);
    await jobs.scheduleBulk("task", Array.from({ length: 20 }, (_, n) => ({ n })));
    const p = pool({ handlers: { task: () => undefined }, concurrency: 5 });
    const errors: Error[] = [];
    let told = 0;
    p.on("error", (e) => errors.push(e));
    p.on("finished", () => {
      told++;
      throw new Error("listener failed");
    });
    await p.start();
    await waitUntil(async () => (await jobs.counts()).total.finished === 20);
    await waitUntil(() => errors.length === 20);
    expect(told).toBe(20);
    expect(errors[0]!.message).toMatch(/a 'finished' listener threw: listener failed/);
    expect(await jobs.running()).toBe(0);
  });

  it("TestJobsAreNotExecutedUntilTime: jobs delayed 200 ms do not start before their run-at", async () => {
    const { jobs, pool } = bundle<M>(types);
    const scheduledAt = Date.now();
    const created = await jobs.scheduleBulk("task", [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }], { delay: 200 });
    const startedAt = new Map<number, number>();
    await pool({ handlers: { task: ({ n }) => void startedAt.set(n, Date.now()) }, concurrency: 4 }).start();
    await waitUntil(() => startedAt.size === 4);
    for (const job of created) {
      const found = await jobs.findJob(job.id);
      expect(found.startedAt!.getTime()).toBeGreaterThanOrEqual(found.runAt.getTime());
      expect(startedAt.get(job.payload.n)!).toBeGreaterThanOrEqual(scheduledAt + 195);
    }
  });

  it("TestJobTimestamps: startedAt, finishedAt and durationMs are unset until set, then within the run", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 });
    // Unset means undefined, never the 1970 epoch, and no negative duration.
    expect(job.startedAt).toBeUndefined();
    expect(job.finishedAt).toBeUndefined();
    expect(job.durationMs).toBeUndefined();
    expect((await jobs.findJob(job.id)).startedAt).toBeUndefined();

    const release = gate();
    const poolStart = Date.now();
    const p = pool({ handlers: { task: async () => (await release.promise, await delay(20)) }, concurrency: 1 });
    await p.start();
    await waitForStatus(job, "executing");
    expect(job.startedAt).toBeInstanceOf(Date);
    expect(job.finishedAt).toBeUndefined();
    expect(job.durationMs).toBeUndefined();
    release.open();
    await waitForStatus(job, "finished");
    await p.close();
    const poolClosed = Date.now();

    expect(job.startedAt!.getTime()).toBeGreaterThanOrEqual(poolStart);
    expect(job.finishedAt!.getTime()).toBeLessThanOrEqual(poolClosed);
    expect(job.finishedAt!.getTime()).toBeGreaterThanOrEqual(job.startedAt!.getTime());
    expect(job.durationMs).toBe(job.finishedAt!.getTime() - job.startedAt!.getTime());
    expect(job.durationMs!).toBeGreaterThanOrEqual(19);
    expect(job.durationMs!).toBeLessThanOrEqual(poolClosed - poolStart);
  });

  it("close() lets running jobs finish, leaves no job executing, and does not start the queued ones", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const running = await jobs.scheduleBulk("task", [{ n: 1 }, { n: 2 }], { priority: 10 });
    const waiting = await jobs.scheduleBulk("task", [{ n: 3 }, { n: 4 }, { n: 5 }]);
    const release = gate();
    const ran: number[] = [];
    const p = pool({ handlers: { task: async ({ n }) => (ran.push(n), release.promise) }, concurrency: 2 });
    await p.start();
    await waitUntil(() => ran.length === 2);
    const closing = p.close();
    release.open();
    await closing;
    expect(ran.sort()).toEqual([1, 2]);
    expect(p.activeCount).toBe(0);
    expect(await jobs.running()).toBe(0);
    for (const job of running) await expectJobState(jobs, redis(), namespace, job.id, "finished");
    // Never claimed, they still wait at priority 0 in the queue list, in the order they were scheduled.
    for (const job of waiting) expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("queue");
    for (const [i, job] of waiting.entries()) expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ queue: i });
  });

  it("close() hands a job still running after the grace period back to the head of the queue, aborting its signal", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 }, { retries: 0 });
    let reason: unknown;
    const p = pool({
      handlers: { task: (_p, running) => new Promise<void>(() => running.signal.addEventListener("abort", () => (reason = running.signal.reason))) },
      closeGracePeriod: "100ms",
      concurrency: 1,
    });
    await p.start();
    await waitForStatus(job, "executing");
    // Scheduled while the only slot is busy: it waits in the queue list, and stays behind the job handed back.
    const later = await jobs.schedule("task", { n: 2 });
    await p.close();
    expect(reason).toBeInstanceOf(ClosedError);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("queue");
    expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ queue: 0 });
    expect(await setsHolding(redis(), namespace, "task", later.id)).toEqual({ queue: 1 });
    // Handing back is not a failure: no retry spent, no error recorded.
    expect(await jobs.findJob(job.id)).toMatchObject({ attempts: 1, retriesLeft: 0, error: undefined });
  });

  it("pool events: started, finished, retried and failed, in order, for each job", async () => {
    const { jobs, pool } = bundle<M>(types);
    const ok = await jobs.schedule("task", { n: 0 });
    const bad = await jobs.schedule("task", { n: 1 }, { retries: 1, backoff: "none" });
    const p = pool({
      handlers: {
        task: ({ n }) => {
          if (n === 1) throw new Error("bad job");
        },
      },
    });
    const seen = recordEvents(p);
    const finished: number[] = [];
    p.on("finished", (_job, durationMs) => void finished.push(durationMs));
    await p.start();
    await waitUntil(() => eventsOf(seen, bad.id).includes("failed") && eventsOf(seen, ok.id).includes("finished"));
    expect(eventsOf(seen, ok.id)).toEqual(["started", "finished"]);
    // A retry can be claimed (and "started") before the "retried" of the attempt before it is emitted.
    const badEvents = eventsOf(seen, bad.id);
    expect([...badEvents].sort()).toEqual(["failed", "retried", "started", "started"]);
    expect(badEvents[0]).toBe("started");
    expect(badEvents.at(-1)).toBe("failed");
    expect(seen.filter((e) => e.event === "retried" || e.event === "failed").map((e) => e.error!.message)).toEqual(["bad job", "bad job"]);
    expect(finished[0]).toBeGreaterThanOrEqual(0);
    expect(seen.filter((e) => e.event === "error")).toEqual([]);
  });
});
