import { describe, expect, it } from "vitest";
import { JobNotFoundError, JobsError } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { eventsOf, expectJobState, recordEvents, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow's Cancel only set a status, which the worker then overwrote: a retry or a recurring run
// brought a cancelled job back. Here cancelling wins, and a running handler is told through its signal.

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("cancel", () => {
  it("cancel wins over a pending retry: a job waiting for its backoff stays cancelled and never runs again", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 }, { retries: 3, backoff: { type: "fixed", delay: 300 } });
    const ran: number[] = [];
    await pool({
      handlers: {
        task: ({ n }) => {
          ran.push(n);
          if (n === 1) throw new Error("fails, retry in 300 ms");
        },
      },
      concurrency: 1,
    }).start();
    await waitUntil(async () => (await job.refresh()).status === "queued" && job.attempts === 1);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("scheduled");
    expect(await job.cancel()).toBe(true);
    expect(job.status).toBe("cancelled");

    // A job due after the cancelled retry was: once it has run, the retry's time has passed too.
    const sentinel = await jobs.schedule("task", { n: 2 }, { runAt: job.runAt.getTime() + 200 });
    await waitForStatus(sentinel, "finished");
    expect(ran).toEqual([1, 2]);
    await expectJobState(jobs, redis(), namespace, job.id, "cancelled");
    expect(await jobs.findJob(job.id)).toMatchObject({ status: "cancelled", attempts: 1, error: { message: "fails, retry in 300 ms" } });
  });

  it("cancel while executing: the handler's signal aborts, the job ends cancelled, and no retry follows", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 }, { retries: 3, backoff: "none" });
    let calls = 0;
    let reason: unknown;
    const p = pool({
      handlers: {
        task: (_payload, running) =>
          new Promise<void>((_resolve, reject) => {
            calls++;
            running.signal.addEventListener("abort", () => {
              reason = running.signal.reason;
              reject(new Error("stopped early"));
            });
          }),
      },
      // The cancel reaches the pool with its next lease renewal: renewed often, on a lease no pause outlasts.
      leaseTime: "10s",
      heartbeatInterval: "100ms",
    });
    const seen = recordEvents(p);
    await p.start();
    await waitForStatus(job, "executing");
    expect(await job.cancel()).toBe(true);
    // Until the attempt ends the job is still executing, with the cancel recorded.
    expect(["executing", "cancelled"]).toContain(job.status);
    await waitForStatus(job, "cancelled");
    expect(reason).toBeInstanceOf(JobsError);
    expect(calls).toBe(1);
    expect(job).toMatchObject({ attempts: 1, cancelRequested: false });
    await expectJobState(jobs, redis(), namespace, job.id, "cancelled");
    await waitUntil(() => eventsOf(seen, job.id).includes("cancelled"));
    expect(eventsOf(seen, job.id)).toEqual(["started", "cancelled"]);
  });

  it("cancel while a recurring job runs: even a handler that ignores its signal ends the recurrence", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.scheduleRecurring("task", { n: 1 }, { every: 100 });
    let calls = 0;
    await pool({ handlers: { task: () => (++calls === 1 ? new Promise(() => undefined) : undefined) }, leaseTime: "10s", heartbeatInterval: "100ms" }).start();
    await waitForStatus(job, "executing");
    await job.cancel();
    await waitForStatus(job, "cancelled");
    const sentinel = await jobs.schedule("task", { n: 2 }, { runAt: Date.now() + 300 });
    await waitForStatus(sentinel, "finished");
    expect(calls).toBe(2);
    await expectJobState(jobs, redis(), namespace, job.id, "cancelled");
  });

  it("cancel of a finished job changes nothing; of a missing job throws JobNotFoundError", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 });
    await pool({ handlers: { task: () => undefined } }).start();
    await waitForStatus(job, "finished");
    expect(await job.cancel()).toBe(false);
    await expectJobState(jobs, redis(), namespace, job.id, "finished");
    await job.destroy();
    const error = await job.cancel().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobNotFoundError);
    expect((error as JobNotFoundError).id).toBe(job.id);
    expect(await redis().hexists(`tj:{${namespace}}:jobs`, job.id)).toBe(0);
  });
});
