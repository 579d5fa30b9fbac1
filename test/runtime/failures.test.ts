import { describe, expect, it } from "vitest";
import { JobTimeoutError } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { blockedPools, eventsOf, expectJobState, headerOf, recordEvents, setsHolding, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow retry_or_fail_job and pool_test.go's failure scenarios, plus the faults it had: no backoff,
// errors not readable back, non-Error throws, no timeout.

type M = { task: { msg: string } };
const types = { task: jobType<{ msg: string }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("failures and retries (albrow retry_or_fail_job, pool_test.go)", () => {
  it("TestRetryOrFailJobScript: a failure with retries left requeues (after its backoff) and spends one; with none left the job fails", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const a = await jobs.schedule("task", { msg: "a" }, { retries: 2, backoff: { type: "fixed", delay: "1h" } });
    const b = await jobs.schedule("task", { msg: "b" }, { retries: 0 });
    const p = pool({ handlers: { task: ({ msg }) => Promise.reject(new Error(`boom ${msg}`)) } });
    await p.start();
    await waitForStatus(b, "failed");
    await waitUntil(async () => (await a.refresh()).attempts === 1 && a.status === "queued");

    expect(a).toMatchObject({ status: "queued", retries: 2, retriesLeft: 1, error: { name: "Error", message: "boom a" } });
    expect(await expectJobState(jobs, redis(), namespace, a.id, "queued")).toBe("scheduled");
    expect((await headerOf(redis(), namespace, a.id)).f).toBe(1);
    expect(a.runAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);

    expect(b).toMatchObject({ status: "failed", retriesLeft: 0, attempts: 1, error: { message: "boom b" } });
    await expectJobState(jobs, redis(), namespace, b.id, "failed");
  });

  it("TestJobFailError: a rejected promise fails the job with its message stored and readable", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "Test Job Failed!" });
    const p = pool({ handlers: { task: async ({ msg }) => Promise.reject(new Error(msg)) } });
    const seen = recordEvents(p);
    await p.start();
    await waitForStatus(job, "failed");
    await expectJobState(jobs, redis(), namespace, job.id, "failed");
    expect(job.error).toMatchObject({ name: "Error", message: "Test Job Failed!" });
    expect(job.error!.stack).toMatch(/^Error: Test Job Failed!\n/);
    await waitUntil(() => eventsOf(seen, job.id).includes("failed"));
    expect(eventsOf(seen, job.id)).toEqual(["started", "failed"]);
    expect(seen.find((e) => e.event === "failed")!.error!.message).toBe("Test Job Failed!");
  });

  it("TestJobFailPanic: a synchronous throw fails the job the same way", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "Test Job Panicked!" });
    await pool({
      handlers: {
        task: ({ msg }) => {
          throw new TypeError(msg);
        },
      },
    }).start();
    await waitForStatus(job, "failed");
    await expectJobState(jobs, redis(), namespace, job.id, "failed");
    expect(job.error).toMatchObject({ name: "TypeError", message: "Test Job Panicked!" });
    expect(job.error!.stack).toContain("TypeError: Test Job Panicked!");
  });

  it.each([
    ["a string", "just a string", "just a string"],
    ["an object", { code: 42, reason: "quota" }, '{"code":42,"reason":"quota"}'],
    ["undefined", undefined, "undefined"],
    ["null", null, "null"],
  ])("a handler throwing %s fails the attempt with a readable message", async (_what, thrown, text) => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "x" });
    await pool({
      handlers: {
        task: () => {
          throw thrown;
        },
      },
    }).start();
    await waitForStatus(job, "failed");
    expect(job.error!.name).toBe("NonErrorThrown");
    expect(job.error!.message).toContain(text);
  });

  it("TestRetryJob: a job with 5 retries that always fails runs exactly 6 times, then fails for good", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "always" }, { retries: 5, backoff: "none" });
    let calls = 0;
    const attempts: number[] = [];
    const p = pool({
      handlers: {
        task: (_payload, running) => {
          calls++;
          attempts.push(running.attempt);
          throw "still failing";
        },
      },
      concurrency: 4,
    });
    const seen = recordEvents(p);
    await p.start();
    await waitForStatus(job, "failed");
    expect(calls).toBe(6);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(job).toMatchObject({ attempts: 6, retriesLeft: 0, error: { message: expect.stringContaining("still failing") } });
    await expectJobState(jobs, redis(), namespace, job.id, "failed");
    await waitUntil(() => eventsOf(seen, job.id).includes("failed"));
    expect(eventsOf(seen, job.id).filter((e) => e !== "started")).toEqual(["retried", "retried", "retried", "retried", "retried", "failed"]);
  });

  it("backoff: a retry does not run before its fixed delay has passed since the failure", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "x" }, { retries: 2, backoff: { type: "fixed", delay: 200 } });
    const failedAt: number[] = [];
    const startedAt: number[] = [];
    await pool({
      handlers: {
        task: () => {
          startedAt.push(Date.now());
          failedAt.push(Date.now());
          throw new Error("again");
        },
      },
    }).start();
    await waitForStatus(job, "failed");
    expect(startedAt).toHaveLength(3);
    // Timer and clock granularity allowance only; no upper bound.
    expect(startedAt[1]! - failedAt[0]!).toBeGreaterThanOrEqual(190);
    expect(startedAt[2]! - failedAt[1]!).toBeGreaterThanOrEqual(190);
  });

  it("backoff: an idle pool wakes for a retry when its backoff ends, not after its idle wait", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "x" }, { retries: 1, backoff: { type: "fixed", delay: 100 } });
    let calls = 0;
    // The idle wait is a minute; the retry is due 100 ms after the failure; waitForStatus gives 10 s.
    // The first attempt fails only once its pool is blocked waiting for work.
    await pool({
      handlers: {
        task: async () => {
          if (++calls > 1) return;
          await waitUntil(async () => (await blockedPools(redis())) > 0);
          throw new Error("first attempt fails");
        },
      },
      idleWait: "60s",
    }).start();
    await waitForStatus(job, "finished");
    expect(calls).toBe(2);
  });

  it("timeout: a handler running past its timeout fails with JobTimeoutError and its signal aborts", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "slow" }, { timeout: "150ms" });
    let reason: unknown;
    await pool({
      handlers: {
        task: (_payload, running) =>
          new Promise<void>((resolve) =>
            running.signal.addEventListener("abort", () => {
              reason = running.signal.reason;
              resolve();
            }),
          ),
      },
    }).start();
    await waitForStatus(job, "failed");
    expect(reason).toBeInstanceOf(JobTimeoutError);
    expect(job.error).toMatchObject({ name: "JobTimeoutError", message: expect.stringContaining("150 ms") });
    await expectJobState(jobs, redis(), namespace, job.id, "failed");
    expect(await setsHolding(redis(), namespace, "task", job.id)).toHaveProperty("failed");
  });

  it("timeout: a handler that first reads its signal after the timeout finds it already aborted, with the timeout's reason", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "late" }, { timeout: 100 });
    let held: { signal: AbortSignal } | undefined;
    await pool({ handlers: { task: (_payload, running) => { held = running; return new Promise(() => undefined); } } }).start();
    await waitForStatus(job, "failed");
    expect(held!.signal.aborted).toBe(true);
    expect(held!.signal.reason).toBeInstanceOf(JobTimeoutError);
  });

  it("timeout: a handler that ignores its signal still has its attempt ended, and retries", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { msg: "stuck" }, { timeout: 100, retries: 1, backoff: "none" });
    let calls = 0;
    await pool({ handlers: { task: () => (++calls === 1 ? new Promise(() => undefined) : undefined) } }).start();
    await waitForStatus(job, "finished");
    expect(calls).toBe(2);
    expect(job.error).toMatchObject({ name: "JobTimeoutError" });
  });
});
