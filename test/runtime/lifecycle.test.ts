import { describe, expect, it } from "vitest";
import { JobNotFoundError, JobStateError } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { expectGone, expectJobState, gate, setsHolding, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow scripts_test.go's set_job_status, destroy_job, set_job_field and add_job_to_set, as the
// status moves our API makes; plus its faults: Destroy twice failed, and Reschedule worked on a
// running job and could not change the recurrence (#17).

type M = { task: { fail: boolean } };
const types = { task: jobType<{ fail: boolean }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("status moves (albrow set_job_status, destroy_job, set_job_field, add_job_to_set)", () => {
  it("TestSetStatusScript: each move leaves the job in exactly the set (or queue list) of its new status", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { fail: false }, { runAt: Date.now() + 60_000 });
    const state = () => expectJobState(jobs, redis(), namespace, job.id, job.status);
    expect(await state()).toBe("scheduled");
    await job.cancel();
    expect(await state()).toBe("cancelled");
    // Due now at priority 0: the queue list (a priority would put it in the ready zset).
    await job.reschedule(Date.now() - 1);
    expect(await state()).toBe("queue");

    const release = gate();
    await pool({ handlers: { task: async ({ fail }) => (await release.promise, fail ? Promise.reject(new Error("failed")) : undefined) } }).start();
    await waitForStatus(job, "executing");
    expect(await state()).toBe("executing");
    release.open();
    await waitForStatus(job, "finished");
    expect(await state()).toBe("finished");

    const failing = await jobs.schedule("task", { fail: true });
    await waitForStatus(failing, "failed");
    expect(await expectJobState(jobs, redis(), namespace, failing.id, "failed")).toBe("failed");
  });

  it("TestDestroyJobScript: destroy leaves no trace from finished, failed or cancelled; destroying twice is harmless", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const finished = await jobs.schedule("task", { fail: false });
    const failed = await jobs.schedule("task", { fail: true });
    const cancelled = await jobs.schedule("task", { fail: false }, { delay: "1h" });
    await cancelled.cancel();
    await pool({ handlers: { task: ({ fail }) => (fail ? Promise.reject(new Error("no")) : undefined) } }).start();
    await waitForStatus(finished, "finished");
    await waitForStatus(failed, "failed");
    for (const job of [finished, failed, cancelled]) {
      await job.destroy();
      await expectGone(redis(), namespace, "task", job.id);
      await expect(job.destroy()).resolves.toBeUndefined();
      await expect(job.refresh()).rejects.toBeInstanceOf(JobNotFoundError);
    }
  });

  it("TestSetJobFieldScript / TestAddJobToSetScript: no operation on a destroyed job recreates its record or a set entry", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const job = await jobs.schedule("task", { fail: false }, { delay: "1h" });
    await job.destroy();
    await expect(job.reschedule(Date.now())).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(job.reschedule({ delay: "1m" }, { recurrence: { every: "1m" } })).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(job.cancel()).rejects.toBeInstanceOf(JobNotFoundError);
    await expectGone(redis(), namespace, "task", job.id);
    expect(await redis().exists(`tj:{${namespace}}:ready:task`, `tj:{${namespace}}:scheduled:task`, `tj:{${namespace}}:cancelled:task`)).toBe(0);
  });

  it("destroy while executing: the job stays gone when its handler ends, and the pool keeps running", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { fail: false }, { priority: 5 });
    const release = gate();
    let calls = 0;
    await pool({ handlers: { task: async () => (++calls === 1 ? release.promise : undefined) } }).start();
    await waitForStatus(job, "executing");
    await job.destroy();
    await expectGone(redis(), namespace, "task", job.id);
    release.open();
    const next = await jobs.schedule("task", { fail: false });
    await waitForStatus(next, "finished");
    await expectGone(redis(), namespace, "task", job.id);
  });
});

describe("reschedule (albrow Reschedule, issue #17)", () => {
  it.each(["finished", "failed", "cancelled"] as const)("from %s: queues the job again with a new recurrence and a fresh retry budget", async (from) => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { fail: from === "failed" }, { retries: 1, backoff: "none", delay: from === "cancelled" ? "1h" : 0 });
    const runs: string[] = [];
    await pool({ handlers: { task: (_p, running) => (runs.push(running.id), running.payload.fail ? Promise.reject(new Error("no")) : undefined) } }).start();
    if (from === "cancelled") await job.cancel();
    await waitForStatus(job, from);
    const before = runs.length;

    const at = Date.now() + 60_000;
    await job.reschedule(at, { recurrence: { every: "1h" } });
    expect(job).toMatchObject({ status: "queued", recurrence: { every: 3_600_000 }, retriesLeft: 1, finishedAt: undefined, durationMs: undefined });
    expect(job.runAt.getTime()).toBe(at);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("scheduled");
    expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ scheduled: at });

    // Due now, it runs again; a successful run is then queued for its next slot, an hour on.
    await job.reschedule(Date.now() - 1);
    await waitUntil(() => runs.length > before);
    if (from !== "failed") {
      await waitUntil(async () => (await job.refresh()).status === "queued" && job.runAt.getTime() > Date.now() + 3_000_000);
    }
  });

  it("is refused with JobStateError while the job executes, and changes nothing", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { fail: false });
    const release = gate();
    await pool({ handlers: { task: () => release.promise } }).start();
    await waitForStatus(job, "executing");
    const error = await job.reschedule(Date.now() + 60_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobStateError);
    expect(error).toMatchObject({ id: job.id, status: "executing", code: "JOB_STATE" });
    await expectJobState(jobs, redis(), namespace, job.id, "executing");
    release.open();
    await waitForStatus(job, "finished");
  });

  it("with recurrence null turns a recurring job into a one-off", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.scheduleRecurring("task", { fail: false }, { every: "1h" }, { runAt: Date.now() + 60_000 });
    await job.reschedule(Date.now() - 1, { recurrence: null });
    expect(job.recurrence).toBeUndefined();
    await pool({ handlers: { task: () => undefined } }).start();
    await waitForStatus(job, "finished");
    await expectJobState(jobs, redis(), namespace, job.id, "finished");
  });

  it("with { every } or { cron } given directly makes a one-off job recurring (albrow #17: RescheduleRecurring)", async () => {
    const { jobs } = bundle<M>(types);
    const job = await jobs.schedule("task", { fail: false }, { delay: "1h" });
    await job.reschedule({ delay: "1h" }, { every: "15m" });
    expect(job.recurrence).toEqual({ every: 900_000 });
    await job.reschedule({ delay: "1h" }, { cron: "0 3 * * *", timezone: "Europe/Paris" });
    expect(job.recurrence).toEqual({ cron: "0 3 * * *", timezone: "Europe/Paris" });
    expect(job.status).toBe("queued");
  });
});
