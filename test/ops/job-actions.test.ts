import { describe, expect, it } from "vitest";
import { CorruptJobRecordError, JobNotFoundError, JobStateError } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { expectGone, expectJobState, jobsKey, keyOf, seedRecord, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// retry and promote of one job: each status they take, each they refuse, and what they keep.

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("retry", () => {
  it("a failed job is queued again now with a fresh retry budget, its error cleared and its attempts kept, and runs", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 }, { retries: 1, backoff: "none" });
    let fail = true;
    const p = pool({ handlers: { task: async () => { if (fail) throw new Error("down"); } } });
    await p.start();
    await waitForStatus(job, "failed");
    expect(job).toMatchObject({ attempts: 2, retriesLeft: 0, error: { message: "down" } });
    await p.close();
    const retried = await jobs.retry(job.id);
    expect(retried).toMatchObject({ status: "queued", attempts: 2, retriesLeft: 1, error: undefined, finishedAt: undefined });
    expect(retried.runAt.getTime()).toBeGreaterThan(job.finishedAt!.getTime() - 1);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("queue");
    await expect(jobs.retry(job.id)).rejects.toThrow(JobStateError);
    expect(await redis().lrange(keyOf(namespace, "queue", "task"), 0, -1)).toEqual([job.id]);
    fail = false;
    await pool({ handlers: { task: async () => undefined } }).start();
    await waitForStatus(job, "finished");
    expect(job.attempts).toBe(3);
  });

  it("rejected and cancelled jobs are retried too; a job with a priority joins the ready zset", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const cancelled = await jobs.schedule("task", { n: 1 }, { priority: 5, delay: "1h" });
    await cancelled.cancel();
    const retried = await jobs.retry(cancelled.id);
    expect(retried).toMatchObject({ status: "queued", priority: 5 });
    expect(await expectJobState(jobs, redis(), namespace, cancelled.id, "queued")).toBe("ready");
    const now = Date.now();
    await seedRecord(redis(), namespace, "task", "rej", `{"t":"task","s":"rejected","at":${now},"ft":${now},"a":1,"e":{"name":"PayloadValidationError","message":"bad"}}\n{"n":"x"}`, "rejected", now);
    expect(await jobs.retry("rej")).toMatchObject({ status: "queued", attempts: 1, error: undefined });
    await expectJobState(jobs, redis(), namespace, "rej", "queued");
  });

  it("refuses queued and finished jobs (JobStateError naming the status), a missing one (JobNotFoundError), and an unreadable one (CorruptJobRecordError, its bytes kept)", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const queued = await jobs.schedule("task", { n: 1 });
    await expect(jobs.retry(queued.id)).rejects.toThrow(/is queued: retry takes failed, rejected or cancelled jobs/);
    const now = Date.now();
    await seedRecord(redis(), namespace, "task", "done", `{"t":"task","s":"finished","at":${now},"ft":${now}}\n{"n":1}`, "finished", now);
    await expect(jobs.retry("done")).rejects.toMatchObject({ name: "JobStateError", status: "finished" });
    await expect(jobs.retry("nothing")).rejects.toBeInstanceOf(JobNotFoundError);
    const quarantined = `{"t":"task","s":"failed","at":${now},"ft":${now},"e":{"name":"CorruptJobRecordError","message":"job q: the record has no header line"}}\n"garbage"`;
    await seedRecord(redis(), namespace, "task", "q", quarantined, "failed", now);
    await expect(jobs.retry("q")).rejects.toBeInstanceOf(CorruptJobRecordError);
    expect(await redis().hget(jobsKey(namespace), "q")).toBe(quarantined);
    await seedRecord(redis(), namespace, "task", "broken", "not a record", "failed", now);
    await expect(jobs.retry("broken")).rejects.toBeInstanceOf(CorruptJobRecordError);
    expect(await redis().hget(jobsKey(namespace), "broken")).toBe("not a record");
  });
});

describe("promote", () => {
  it("a delayed job becomes due now, keeps its priority, and runs", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 }, { delay: "1h" });
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("scheduled");
    const stored = await jobs.findJob(job.id);
    const promoted = await jobs.promote(job.id);
    expect(promoted.status).toBe("queued");
    expect(promoted.runAt.getTime()).toBeLessThan(job.runAt.getTime() - 3_000_000);
    expect(promoted.createdAt).toEqual(stored.createdAt);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("queue");
    const prioritised = await jobs.schedule("task", { n: 2 }, { delay: "1h", priority: -3 });
    await jobs.promote(prioritised.id);
    expect(await expectJobState(jobs, redis(), namespace, prioritised.id, "queued")).toBe("ready");
    await pool({ handlers: { task: async () => undefined } }).start();
    await waitForStatus(job, "finished");
    await waitForStatus(prioritised, "finished");
  });

  it("a job already due is returned unchanged; other statuses are a JobStateError; a missing job a JobNotFoundError", async () => {
    const { jobs, namespace } = bundle<M>(types);
    // Refreshed: the run-at stored from Redis's clock, not the handle's local estimate.
    const due = await (await jobs.schedule("task", { n: 1 })).refresh();
    const before = await redis().hget(jobsKey(namespace), due.id);
    expect(await jobs.promote(due.id)).toMatchObject({ id: due.id, status: "queued", runAt: due.runAt });
    expect(await redis().hget(jobsKey(namespace), due.id)).toBe(before);
    expect(await redis().lrange(keyOf(namespace, "queue", "task"), 0, -1)).toEqual([due.id]);
    await due.cancel();
    await expect(jobs.promote(due.id)).rejects.toMatchObject({ name: "JobStateError", status: "cancelled" });
    await expect(jobs.promote("nothing")).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it("a recurring job promoted ahead of its slot runs now, and its next run is the slot after that one", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.scheduleRecurring("task", { n: 1 }, { every: "1h" }, { delay: "30m" });
    // The stored slot, from Redis's clock: the handle a schedule returns estimates it from the local one.
    const slot = (await job.refresh()).runAt.getTime();
    await jobs.promote(job.id);
    let runs = 0;
    await pool({ handlers: { task: async () => void runs++ } }).start();
    await waitUntil(async () => runs === 1 && (await job.refresh()).status === "queued" && job.attempts === 1);
    expect(job.runAt.getTime()).toBe(slot + 3_600_000);
  });
});

describe("destroy of a job whose record cannot be read", () => {
  const withSchema = { task: jobType<{ n: number }>("task", anyPayload, { schema: { type: "object", properties: { n: { type: "number" } } } }) };
  const opsOf = (jobs: unknown) => (jobs as { ops(): { destroy(id: string): Promise<void> } }).ops();

  it("one job: found by the type its record still names, else in every type's keys, and gone from all of them", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const ops = opsOf(jobs);
    await seedRecord(redis(), namespace, "task", "bad-header", '{"t":"task","at":"soon"}\n{"n":1}', "queue");
    await seedRecord(redis(), namespace, "task", "no-type", "not a record at all", "queue");
    await seedRecord(redis(), namespace, "task", "ended-bad", '{"t":"task","s":"failed"}\n{"n":1}', "failed", Date.now());
    await expect(jobs.findJob("no-type")).rejects.toBeInstanceOf(CorruptJobRecordError);
    for (const id of ["bad-header", "no-type", "ended-bad"]) {
      await ops.destroy(id);
      await expectGone(redis(), namespace, "task", id);
    }
    await expect(ops.destroy("no-type")).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it("destroyAll removes entries without a record, and unreadable records unless a `where` is given", async () => {
    const { jobs, namespace } = bundle<M>(withSchema);
    const endedAt = Date.now() - 60_000;
    await seedRecord(redis(), namespace, "task", "good", `{"t":"task","s":"finished","at":${endedAt},"ft":${endedAt}}\n{"n":1}`, "finished", endedAt);
    await seedRecord(redis(), namespace, "task", "unreadable", "{broken\n{}", "finished", endedAt);
    await redis().zadd(keyOf(namespace, "finished", "task"), endedAt, "dangling");
    expect(await jobs.destroyAll({ type: "task", status: "finished", where: { n: 2 } })).toMatchObject({ scanned: 3, changed: 1 });
    expect(await redis().zrange(keyOf(namespace, "finished", "task"), "0", "-1")).toEqual(["good", "unreadable"]);
    expect(await jobs.destroyAll({ type: "task", status: "finished" })).toMatchObject({ scanned: 2, changed: 2 });
    for (const id of ["good", "unreadable", "dangling"]) await expectGone(redis(), namespace, "task", id);
  });
});
