import { describe, expect, it } from "vitest";
import { InvalidOptionError, type BulkProgress } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { expectJobState, jobsKey, keyOf, seedRecord, useRedisClient, waitForStatus, scriptCalls } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { seedEnded } from "./seed-ended.js";

// Bulk actions change exactly the jobs selected (type, status, age, payload fields), once, in short
// script calls; a bulk cancel in the queue list leaves holes that counts, listings and claims skip.

type Payload = { n: number; user: { id: number }; tag?: string };
type M = { task: Payload; other: Payload };
const schema = { type: "object", properties: { n: { type: "number" }, user: { allOf: [{ type: "object", properties: { id: { type: "number" } } }] }, tag: { type: "string" } } };
const types = { task: jobType<Payload>("task", anyPayload, { schema }), other: jobType<Payload>("other", anyPayload, { schema }) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

const HOUR = 3_600_000;

async function members(namespace: string, kind: "failed" | "finished" | "cancelled", type: string): Promise<string[]> {
  return (await redis().zrange(keyOf(namespace, kind, type), "0", "-1")).sort();
}

describe("retryAll, destroyAll", () => {
  it("retryAll changes exactly the failed jobs of the type, older than the age, whose payload field matches; a second run changes nothing", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const now = Date.now();
    await seedEnded(redis(), namespace, "task", "failed", "old", 9, now - 2 * HOUR);
    await seedEnded(redis(), namespace, "task", "failed", "new", 3, now);
    await seedEnded(redis(), namespace, "task", "cancelled", "cx", 3, now - 2 * HOUR);
    await seedEnded(redis(), namespace, "other", "failed", "oth", 3, now - 2 * HOUR);
    const seen: BulkProgress[] = [];
    const result = await jobs.retryAll({ type: "task", status: "failed", olderThan: "1h", where: { "user.id": 1 } }, { onProgress: (p) => seen.push(p) });
    // old1, old4, old7 have user.id 1; the new ones are too young.
    expect(result).toMatchObject({ scanned: 9, matched: 3, changed: 3, total: 12 });
    expect(seen.at(-1)).toEqual(result);
    for (const id of ["old1", "old4", "old7"]) {
      await expectJobState(jobs, redis(), namespace, id, "queued");
      expect(await jobs.findJob(id)).toMatchObject({ attempts: 1, error: undefined, retriesLeft: 0 });
    }
    expect(await members(namespace, "failed", "task")).toEqual(["new0", "new1", "new2", "old0", "old2", "old3", "old5", "old6", "old8"]);
    expect(await members(namespace, "cancelled", "task")).toEqual(["cx0", "cx1", "cx2"]);
    expect(await members(namespace, "failed", "other")).toEqual(["oth0", "oth1", "oth2"]);
    const again = await jobs.retryAll({ type: "task", status: "failed", olderThan: "1h", where: { "user.id": 1 } });
    expect(again).toMatchObject({ matched: 0, changed: 0 });
    expect(await redis().llen(keyOf(namespace, "queue", "task"))).toBe(3);
    // Cancelled ones by their own status, with a JSON pointer.
    expect(await jobs.retryAll({ type: "task", status: "cancelled", where: { "/user/id": 2 } })).toMatchObject({ changed: 1 });
    await expectJobState(jobs, redis(), namespace, "cx2", "queued");
  });

  it("destroyAll deletes exactly the selected ended jobs, records and entries", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const now = Date.now();
    await seedEnded(redis(), namespace, "task", "finished", "f", 6, now - 2 * HOUR);
    await seedEnded(redis(), namespace, "task", "failed", "x", 2, now - 2 * HOUR);
    expect(await jobs.destroyAll({ type: "task", status: "finished", where: { "/user/id": 0 } })).toMatchObject({ scanned: 6, matched: 2, changed: 2 });
    expect(await members(namespace, "finished", "task")).toEqual(["f1", "f2", "f4", "f5"]);
    expect(await redis().hexists(jobsKey(namespace), "f0")).toBe(0);
    expect(await redis().hexists(jobsKey(namespace), "f3")).toBe(0);
    expect(await jobs.destroyAll({ type: "task", status: "finished", olderThan: "3h" })).toMatchObject({ matched: 0, changed: 0 });
    expect(await jobs.destroyAll({ type: "task", status: "finished" })).toMatchObject({ changed: 4 });
    expect(await jobs.counts()).toMatchObject({ byType: { task: { finished: 0, failed: 2 } } });
  });

  it("equal end times are examined once each across batches (the zset cursor's ties)", async () => {
    const { jobs, namespace } = bundle<M>(types);
    await seedEnded(redis(), namespace, "task", "failed", "tie", 1_600, Date.now() - HOUR);
    const result = await jobs.retryAll({ type: "task", status: "failed", where: { "user.id": 0 } });
    expect(result).toMatchObject({ scanned: 1_600, matched: 534, changed: 534 });
    expect(result.batches).toBeGreaterThanOrEqual(4);
    expect((await jobs.counts()).byType.task).toMatchObject({ queued: 534, failed: 1_066 });
  });
});

describe("a bulk action is bounded by when it began", () => {
  it("retryAll while a pool fails the retried jobs again retries each job once, and ends", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const count = 10_000;
    await seedEnded(redis(), namespace, "task", "failed", "again", count, Date.now() - HOUR);
    let failedAgain = 0;
    await pool({
      handlers: {
        task: async () => {
          failedAgain++;
          throw new Error("fails again");
        },
        other: async () => undefined,
      },
      concurrency: 32,
    }).start();
    const result = await jobs.retryAll({ type: "task", status: "failed" });
    // The pool failed retried jobs while later batches ran: they were back in the set being examined.
    expect(failedAgain).toBeGreaterThan(0);
    expect(result).toMatchObject({ scanned: count, matched: count, changed: count });
    await waitUntil(async () => (await jobs.counts()).byType.task!.failed === count, 60_000);
    const attempts = new Set((await jobs.listJobs("failed", { type: "task", limit: count })).map((j) => j.attempts));
    // Seeded with one attempt; retried exactly once, each ran once more.
    expect([...attempts]).toEqual([2]);
  }, 120_000);
});

describe("cancelAll", () => {
  it("cancels exactly the selected queued jobs wherever they wait; the queue list keeps holes that counts and listings skip, and a pool runs the rest in order, never a cancelled one", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const queued = await jobs.scheduleBulk("task", Array.from({ length: 30 }, (_, n) => ({ n, user: { id: n % 3 } })));
    const ready = await jobs.schedule("task", { n: 100, user: { id: 1 } }, { priority: 2 });
    const later = await jobs.schedule("task", { n: 101, user: { id: 1 } }, { delay: "1h" });
    const keep = await jobs.schedule("other", { n: 102, user: { id: 1 } });
    const result = await jobs.cancelAll({ type: "task", status: "queued", where: { "user.id": 1 } });
    expect(result).toMatchObject({ scanned: 32, matched: 12, changed: 12, total: 32 });
    expect(await redis().hget(`tj:{${namespace}}:holes`, "task")).toBe("10");
    expect(await redis().llen(keyOf(namespace, "queue", "task"))).toBe(30);
    const counts = await jobs.counts();
    expect(counts.byType.task).toMatchObject({ queued: 20, cancelled: 12 });
    expect(counts.byType.other).toMatchObject({ queued: 1 });
    const listed = (await jobs.listJobs("queued", { type: "task", limit: 100 })).map((j) => j.id);
    const remaining = queued.filter((_, n) => n % 3 !== 1).map((j) => j.id);
    expect(listed).toEqual(remaining);
    for (const id of [ready.id, later.id, queued[1]!.id]) await expectJobState(jobs, redis(), namespace, id, "cancelled");
    expect(await jobs.cancelAll({ type: "task", status: "queued", where: { "user.id": 1 } })).toMatchObject({ changed: 0 });

    const ran: number[] = [];
    await pool({ handlers: { task: async ({ n }) => void ran.push(n), other: async () => undefined }, concurrency: 1, batchSize: 4 }).start();
    await waitUntil(() => ran.length === 20);
    await waitForStatus(keep, "finished");
    expect(ran).toEqual(remaining.map((id) => queued.findIndex((j) => j.id === id)));
    expect(await redis().hexists(`tj:{${namespace}}:holes`, "task")).toBe(0);
    expect(await redis().llen(keyOf(namespace, "queue", "task"))).toBe(0);
    expect((await jobs.counts()).byType.task).toMatchObject({ queued: 0, finished: 20, cancelled: 12 });
  });

  it.each([["one type", false], ["two types", true]])("a pool of %s claims past a run of holes longer than a claim's budget", async (_name, both) => {
    const { jobs, namespace, pool } = bundle<M>(types);
    // A job at the head: a bulk cancel pops only the holes in front of the first job left.
    const first = await jobs.schedule("task", { n: 0, user: { id: 1 } });
    const doomed = await jobs.scheduleBulk("task", Array.from({ length: 5_000 }, (_, n) => ({ n, user: { id: 9 } })));
    const survivors = [first, ...(await jobs.scheduleBulk("task", [{ n: 1, user: { id: 1 } }, { n: 2, user: { id: 1 } }]))];
    expect(await jobs.cancelAll({ type: "task", status: "queued", where: { "user.id": 9 } })).toMatchObject({ changed: doomed.length });
    expect(await redis().hget(`tj:{${namespace}}:holes`, "task")).toBe(String(doomed.length));
    expect((await jobs.counts()).byType.task!.queued).toBe(3);
    const p = both ? pool({ handlers: { task: async () => undefined, other: async () => undefined } }) : pool<"task">({ handlers: { task: async () => undefined } });
    await p.start();
    for (const job of survivors) await waitForStatus(job, "finished");
    expect(await redis().hexists(`tj:{${namespace}}:holes`, "task")).toBe(0);
  });

  it("holes at the head of the queue list are popped by the cancel itself, however many batches made them", async () => {
    const { jobs, namespace } = bundle<M>(types);
    await jobs.scheduleBulk("task", Array.from({ length: 1_500 }, (_, n) => ({ n, user: { id: 9 } })));
    const kept = await jobs.scheduleBulk("task", [{ n: 1, user: { id: 1 } }, { n: 2, user: { id: 1 } }]);
    const result = await jobs.cancelAll({ type: "task", status: "queued", where: { "user.id": 9 } });
    expect(result).toMatchObject({ scanned: 1_502, changed: 1_500 });
    expect(await redis().lrange(keyOf(namespace, "queue", "task"), 0, -1)).toEqual(kept.map((j) => j.id));
    expect(await redis().hexists(`tj:{${namespace}}:holes`, "task")).toBe(0);
    expect((await jobs.counts()).byType.task).toMatchObject({ queued: 2, cancelled: 1_500 });
  });

  it("a listing reads a bounded run of holes past its page: behind denser holes, a page comes back short", async () => {
    const { jobs } = bundle<M>(types);
    const head = await jobs.schedule("task", { n: 0, user: { id: 1 } });
    await jobs.scheduleBulk("task", Array.from({ length: 1_500 }, (_, n) => ({ n, user: { id: 9 } })));
    await jobs.scheduleBulk("task", [{ n: 1, user: { id: 1 } }, { n: 2, user: { id: 1 } }]);
    await jobs.cancelAll({ type: "task", status: "queued", where: { "user.id": 9 } });
    // Page size 10 plus at most 1000 entries for holes: the two jobs behind 1500 holes are not reached.
    expect((await jobs.listJobs("queued", { type: "task", limit: 10 })).map((j) => j.id)).toEqual([head.id]);
    expect((await jobs.counts()).byType.task!.queued).toBe(3);
  });

  it("olderThan selects queued jobs by creation time", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const old = Date.now() - 2 * HOUR;
    await seedRecord(redis(), namespace, "task", "aged", `{"t":"task","at":${old}}\n{"n":1,"user":{"id":1}}`, "queue");
    const fresh = await jobs.schedule("task", { n: 2, user: { id: 1 } });
    expect(await jobs.cancelAll({ type: "task", status: "queued", olderThan: "1h" })).toMatchObject({ matched: 1, changed: 1 });
    await expectJobState(jobs, redis(), namespace, "aged", "cancelled");
    await expectJobState(jobs, redis(), namespace, fresh.id, "queued");
  });
});

describe("a batch is bounded by the bytes of the records it examines", () => {
  const big = "x".repeat(300_000);

  /** The most entries any one call examined, from the progress reports. */
  function largestBatch(): { onProgress: (p: BulkProgress) => void; largest: () => number } {
    let scanned = 0;
    let largest = 0;
    return {
      onProgress: (p) => {
        largest = Math.max(largest, p.scanned - scanned);
        scanned = p.scanned;
      },
      largest: () => largest,
    };
  }

  it("records of 300 KB: a retryAll and a destroyAll examine a few per call, and each job once", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const endedAt = Date.now() - HOUR;
    for (const status of ["failed", "finished"] as const) {
      for (let n = 0; n < 10; n++) {
        const raw = `{"t":"task","s":"${status}","at":${endedAt},"ft":${endedAt},"a":1}\n{"n":${n},"user":{"id":1},"tag":"${big}"}`;
        await seedRecord(redis(), namespace, "task", `${status}${n}`, raw, status, endedAt);
      }
    }
    const retried = largestBatch();
    expect(await jobs.retryAll({ type: "task", status: "failed", where: { "user.id": 1 } }, retried)).toMatchObject({ scanned: 10, changed: 10, batches: 3 });
    expect(retried.largest()).toBe(4);
    const destroyed = largestBatch();
    expect(await jobs.destroyAll({ type: "task", status: "finished" }, destroyed)).toMatchObject({ scanned: 10, changed: 10, batches: 3 });
    expect(destroyed.largest()).toBe(4);
  });

  it("records of 300 KB in the queue list: a cancelAll examines a few per call, and each job once", async () => {
    const { jobs } = bundle<M>(types);
    const queued = await jobs.scheduleBulk("task", Array.from({ length: 10 }, (_, n) => ({ n, user: { id: 1 }, tag: big })));
    const cancelled = largestBatch();
    // The scheduled and ready sets (empty), then three calls over the queue list.
    expect(await jobs.cancelAll({ type: "task", status: "queued" }, cancelled)).toMatchObject({ scanned: 10, changed: 10, batches: 5 });
    expect(cancelled.largest()).toBe(4);
    for (const job of queued) expect((await jobs.findJob(job.id)).status).toBe("cancelled");
  });
});

describe("the selection is checked before anything runs", () => {
  it("a status the action does not take, a bad type name, a path the schema lacks, a value that is not a scalar: InvalidOptionError, nothing changed", async () => {
    const { jobs, namespace } = bundle<M>(types);
    await seedEnded(redis(), namespace, "task", "failed", "f", 3, Date.now());
    const failures = [
      jobs.retryAll({ type: "task", status: "finished" }),
      jobs.cancelAll({ type: "task", status: "failed" }),
      jobs.destroyAll({ type: "task", status: "queued" }),
      jobs.retryAll({ type: "task", status: "failed", where: { "user.name": "x" } }),
      jobs.retryAll({ type: "task", status: "failed", where: { "/nope": 1 } }),
      jobs.retryAll({ type: "task", status: "failed", where: { "user.id": { $gt: 1 } as never } }),
      jobs.retryAll({ type: "task", status: "failed", where: { "user..id": 1 } }),
      jobs.retryAll({ type: "task", status: "failed", olderThan: "soon" }),
    ];
    for (const failure of failures) await expect(failure).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(jobs.retryAll({ type: "task", status: "failed", where: { "user.name": "x" } })).rejects.toThrow(/"user.name" is not in the payload schema of job type task/);
    expect(await members(namespace, "failed", "task")).toEqual(["f0", "f1", "f2"]);
  });
});

describe("bulk over 200,000 jobs", () => {
  it("runs in batches of short script calls (counted by INFO commandstats), reports each, and retries every one", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const count = 200_000;
    await seedEnded(redis(), namespace, "task", "failed", "j", count, Date.now() - HOUR);
    const before = await scriptCalls(redis());
    let reports = 0;
    let scanned = 0;
    let largest = 0;
    const result = await jobs.retryAll({ type: "task", status: "failed" }, {
      onProgress: (p) => {
        reports++;
        largest = Math.max(largest, p.scanned - scanned);
        scanned = p.scanned;
      },
    });
    const calls = (await scriptCalls(redis())) - before;
    expect(result).toMatchObject({ scanned: count, matched: count, changed: count, total: count });
    expect(reports).toBe(result.batches);
    // Batches of 200 entries (BULK_BATCH_SIZE): no call examined more.
    expect(result.batches).toBeGreaterThanOrEqual(count / 200);
    expect(largest).toBeLessThanOrEqual(200);
    // The batches, plus the few calls around them: no call did the work of many batches.
    expect(calls).toBeGreaterThanOrEqual(result.batches);
    expect(calls).toBeLessThanOrEqual(result.batches + 2);
    expect((await jobs.counts()).byType.task).toMatchObject({ queued: count, failed: 0 });
  }, 120_000);
});
