import { describe, expect, it } from "vitest";
import { JobNotFoundError, type JobSnapshot } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { decodeRecord } from "../../src/redis/record.js";
import { toSnapshot } from "../../src/store/job-record.js";
import { expectGone, expectJobState, headerOf, jobsKey, keyOf, readyScore, setsHolding, useRedisClient, waitForStatus } from "../support/redis-state.js";

// albrow job_test.go, adapted: jobs are created by schedule (there is no "saved" status), read back
// by findJob / refresh, and the record is one field of the namespace's jobs hash.

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

/** A job handle's fields as plain data, to compare two reads of the same stored job. */
function comparable(job: JobSnapshot): JobSnapshot {
  return { ...job };
}

describe("job records (albrow job_test.go)", () => {
  it("TestJobSave: schedule writes one record with every given field and indexes it by run-at", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const runAt = Date.now() + 60_000;
    const job = await jobs.schedule("task", { n: 1 }, { priority: 7, retries: 3, runAt, timeout: "2s", backoff: { type: "fixed", delay: 500 } });

    const raw = await redis().hget(jobsKey(namespace), job.id);
    expect(raw).not.toBeNull();
    expect(raw!.slice(raw!.indexOf("\n") + 1)).toBe('{"n":1}');
    const header = await headerOf(redis(), namespace, job.id);
    expect(header).toMatchObject({ t: "task", s: "queued", at: runAt, pr: 7, r: 3, to: 2000, bo: "f:500", h: "test-task" });
    expect(header.c).toBeTypeOf("number");
    expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ scheduled: runAt });
    expect(await redis().smembers(`tj:{${namespace}}:types`)).toEqual(["task"]);
  });

  it("TestJobSave: a job due now goes to the ready set, scored by priority then run-at", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const runAt = Date.now() - 1000;
    const job = await jobs.schedule("task", { n: 2 }, { priority: 5, runAt });
    expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ ready: readyScore(5, runAt) });
    expect(await redis().llen(keyOf(namespace, "wake", "task"))).toBe(1);
  });

  it("TestJobSave: a job due now at priority 0 goes to the tail of the queue list, not the ready set", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const first = await jobs.schedule("task", { n: 1 }, { runAt: Date.now() - 1000 });
    const second = await jobs.schedule("task", { n: 2 });
    expect(await setsHolding(redis(), namespace, "task", first.id)).toEqual({ queue: 0 });
    expect(await setsHolding(redis(), namespace, "task", second.id)).toEqual({ queue: 1 });
    expect(await redis().zcard(keyOf(namespace, "ready", "task"))).toBe(0);
    expect(await redis().llen(keyOf(namespace, "wake", "task"))).toBe(1);
  });

  it("TestJobFindById: findJob reads back what schedule returned; a missing id throws JobNotFoundError naming it", async () => {
    const { jobs } = bundle<M>(types);
    const before = Date.now();
    const job = await jobs.schedule("task", { n: 3 }, { priority: 100, runAt: Date.now() + 5000, retries: 2 });
    const after = Date.now();
    const found = await jobs.findJob(job.id);
    // The new handle's createdAt is the local clock's estimate (nothing is read back), the record's is
    // Redis's clock inside the write: a millisecond or so apart, both within the call. All else is equal.
    for (const createdAt of [job.createdAt, found.createdAt]) {
      expect(createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(createdAt.getTime()).toBeLessThanOrEqual(after);
    }
    expect({ ...comparable(found), createdAt: undefined }).toEqual({ ...comparable(job), createdAt: undefined });
    expect(found).toMatchObject({ id: job.id, type: "task", status: "queued", payload: { n: 3 }, priority: 100, retries: 2, retriesLeft: 2, attempts: 0 });

    const missing = await jobs.findJob("foobar").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(JobNotFoundError);
    expect((missing as JobNotFoundError).id).toBe("foobar");
    expect((missing as JobNotFoundError).message).toContain("foobar");
    expect((missing as JobNotFoundError).code).toBe("JOB_NOT_FOUND");
  });

  it("a handle has every field of a job snapshot as its own, as scheduled, found and refreshed", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 5 });
    const raw = await redis().hget(jobsKey(namespace), job.id);
    // toEqual counts a missing field as equal to one that is undefined: the field names are compared.
    const fields = Object.keys(toSnapshot(job.id, decodeRecord(job.id, raw!, "test"))).sort();
    expect(fields).toContain("finishedAt");
    expect(Object.keys(job).sort()).toEqual(fields);
    expect(Object.keys(await jobs.findJob(job.id)).sort()).toEqual(fields);
    expect(Object.keys(await job.refresh()).sort()).toEqual(fields);
  });

  it("TestJobRefresh: refresh() on an old handle shows a change made through another handle", async () => {
    const { jobs } = bundle<M>(types);
    const original = await jobs.schedule("task", { n: 4 }, { runAt: Date.now() + 60_000 });
    const copy = await jobs.findJob(original.id);
    const later = Date.now() + 120_000;
    await copy.reschedule(later);
    expect(original.runAt.getTime()).not.toBe(later);
    await original.refresh();
    expect(comparable(original)).toEqual(comparable(copy));
    expect(original.runAt.getTime()).toBe(later);
  });

  it("TestJobenqueue: reschedule queues a new or a cancelled job again", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 5 }, { runAt: Date.now() + 60_000 });
    await job.reschedule(Date.now() + 30_000);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("scheduled");
    await job.cancel();
    expect(job.status).toBe("cancelled");
    await job.reschedule(Date.now() + 30_000);
    expect(job.status).toBe("queued");
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("scheduled");
  });

  it("TestJobCancel: cancel ends a queued job; cancel -> reschedule -> cancel ends it again; a second cancel changes nothing", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 6 }, { runAt: Date.now() + 60_000 });
    expect(await job.cancel()).toBe(true);
    expect(job.status).toBe("cancelled");
    await expectJobState(jobs, redis(), namespace, job.id, "cancelled");
    await job.reschedule({ delay: "1m" });
    expect(await job.cancel()).toBe(true);
    await expectJobState(jobs, redis(), namespace, job.id, "cancelled");
    expect(await job.cancel()).toBe(false);
    await expectJobState(jobs, redis(), namespace, job.id, "cancelled");
  });

  it("cancel, destroy and reschedule take a job out of the queue list whichever end it is nearer, and leave the others in order", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const old = await jobs.scheduleBulk("task", Array.from({ length: 50 }, (_, n) => ({ n })), { runAt: Date.now() - 3_600_000 });
    const recent = await jobs.scheduleBulk("task", Array.from({ length: 50 }, (_, n) => ({ n: 50 + n })));
    // Joins the tail, but with a run-at older than the head's: looked for from the head, and found.
    const late = await jobs.schedule("task", { n: 100 }, { runAt: Date.now() - 7_200_000 });
    const newest = await jobs.schedule("task", { n: 101 });
    let expected = [...old, ...recent, late, newest].map((j) => j.id);
    const gone = (id: string) => (expected = expected.filter((e) => e !== id));

    for (const job of [newest, old[0]!, late, recent[25]!, old[30]!]) {
      expect(await job.cancel()).toBe(true);
      gone(job.id);
    }
    await recent[49]!.destroy();
    gone(recent[49]!.id);
    await old[1]!.destroy();
    gone(old[1]!.id);
    await recent[48]!.reschedule({ delay: "1h" });
    gone(recent[48]!.id);
    expect(await redis().lrange(keyOf(namespace, "queue", "task"), 0, -1)).toEqual(expected);
    for (const job of [newest, late, recent[25]!]) await expectJobState(jobs, redis(), namespace, job.id, "cancelled");
    await expectGone(redis(), namespace, "task", recent[49]!.id);
    expect(await setsHolding(redis(), namespace, "task", recent[48]!.id)).toEqual({ scheduled: expect.any(Number) });
  });

  it("TestJobReschedule: reschedule sets run-at in the record and in the schedule's score, from queued or cancelled; due at priority 0 it joins the queue list", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 7 }, { runAt: Date.now() + 60_000 });
    const at = Date.now() + 90_000;
    await job.reschedule(new Date(at));
    expect(job.runAt.getTime()).toBe(at);
    expect((await headerOf(redis(), namespace, job.id)).at).toBe(at);
    expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ scheduled: at });

    await job.cancel();
    await job.reschedule(at + 1);
    expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ scheduled: at + 1 });
    await expectJobState(jobs, redis(), namespace, job.id, "queued");

    // A time in the past makes it due at once: at priority 0 it moves to the tail of the queue list
    // (a list keeps no score: the run-at is the record's alone).
    const past = Date.now() - 10;
    await job.reschedule(past);
    expect((await headerOf(redis(), namespace, job.id)).at).toBe(past);
    expect(await setsHolding(redis(), namespace, "task", job.id)).toEqual({ queue: 0 });
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("queue");
  });

  it("TestJobDestroy: destroy leaves no trace, from queued, cancelled, rescheduled and rescheduled-then-cancelled", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const paths: ((j: Awaited<ReturnType<typeof jobs.schedule>>) => Promise<unknown>)[] = [
      async () => undefined,
      (j) => j.cancel(),
      (j) => j.reschedule({ delay: "10m" }),
      async (j) => {
        await j.reschedule(Date.now() - 1);
        await j.cancel();
      },
    ];
    for (const before of paths) {
      const job = await jobs.schedule("task", { n: 8 }, { runAt: Date.now() + 60_000 });
      await before(job);
      await job.destroy();
      await expectGone(redis(), namespace, "task", job.id);
      await expect(jobs.findJob(job.id)).rejects.toBeInstanceOf(JobNotFoundError);
    }
  });

  it("TestJobSetError: a handler's error is readable back after refresh (name, message, stack)", async () => {
    const { jobs, pool } = bundle<M>(types);
    class QuotaError extends Error {
      override name = "QuotaError";
    }
    const job = await jobs.schedule("task", { n: 9 });
    expect(job.error).toBeUndefined();
    const p = pool({ handlers: { task: () => Promise.reject(new QuotaError("Test Error")) } });
    await p.start();
    await waitForStatus(job, "failed");
    expect(job.error).toMatchObject({ name: "QuotaError", message: "Test Error" });
    expect(job.error!.stack).toContain("QuotaError: Test Error");
    expect(job.error!.stack).toContain("job.test.ts");
  });

  it("TestScanJob: a record read back by findJob equals the snapshot of the same record read by listJobs", async () => {
    const { jobs } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 10 }, { priority: -3, retries: 1, runAt: Date.now() + 1000 });
    const [listed] = await jobs.listJobs("queued");
    expect(listed).toBeDefined();
    expect(comparable(listed!)).toEqual(comparable(await jobs.findJob(job.id)));
  });
});
