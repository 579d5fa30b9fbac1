import { describe, expect, it } from "vitest";
import { JOB_STATUSES, type StatusCounts } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { gate } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow job_status_test.go (Count, JobIds, Jobs per status), as counts(), listJobs() and running().

type Mode = "ok" | "fail" | "hold" | "reject" | "wait";
type M = { task: { mode: Mode; n: number }; other: { n: number } };
const lenient = { task: jobType<{ mode: Mode; n: number }>("task", anyPayload), other: jobType<{ n: number }>("other", anyPayload) };
const strict = { ...lenient, task: jobType<{ mode: Mode; n: number }>("task", (v) => (v as { mode: Mode }).mode !== "reject", { identities: ["test-task"] }) };
// A producer of a newer contract: the strict pool's build does not know its jobs, and defers them.
const newer = { ...lenient, task: jobType<{ mode: Mode; n: number }>("task", anyPayload, { schemaHash: "newer-task" }) };

const { bundle } = useRedis();

function counts(n: number): StatusCounts {
  return Object.fromEntries(JOB_STATUSES.map((s) => [s, n])) as StatusCounts;
}

describe("queries (albrow job_status_test.go)", () => {
  it("TestStatusCount: counts() gives 5 for each status, in total and per type; running() the executing ones", async () => {
    const { jobs, namespace, pool } = bundle<M>(lenient);
    const strictRuntime = bundle<M>(strict, { namespace });
    await bundle<M>(newer, { namespace }).jobs.scheduleBulk("task", Array.from({ length: 5 }, (_, n) => ({ mode: "ok" as const, n })));
    const five = (mode: Mode) => Array.from({ length: 5 }, (_, n) => ({ mode, n }));
    for (const mode of ["ok", "fail", "hold", "reject"] as const) await jobs.scheduleBulk("task", five(mode));
    for (const job of await jobs.scheduleBulk("task", five("wait"), { delay: "1h" })) await job.cancel();
    await jobs.scheduleBulk("task", five("wait"), { delay: "1h" });
    await jobs.scheduleBulk("other", [{ n: 1 }, { n: 2 }]);

    const release = gate();
    const handler = ({ mode }: { mode: Mode }) => (mode === "fail" ? Promise.reject(new Error("fail")) : mode === "hold" ? release.promise : undefined);
    await strictRuntime.pool({ handlers: { task: handler }, concurrency: 10 }).start();
    await waitUntil(async () => {
      const c = (await jobs.counts()).byType.task!;
      return c.finished === 5 && c.failed === 5 && c.rejected === 5 && c.executing === 5 && c.deferred === 5;
    });

    const got = await jobs.counts();
    expect(got.byType.task).toEqual(counts(5));
    expect(got.byType.other).toEqual({ ...counts(0), queued: 2 });
    expect(got.total).toEqual({ ...counts(5), queued: 7 });
    expect(await jobs.running()).toBe(5);
    release.open();
    await waitUntil(async () => (await jobs.running()) === 0);
    expect((await jobs.counts()).total.finished).toBe(10);
    await pool({ handlers: { other: () => undefined } }).start();
    await waitUntil(async () => (await jobs.counts()).byType.other!.finished === 2);
  });

  it("TestStatusJobIds: queued jobs list next-to-run first (priority, then due time); terminal ones newest first", async () => {
    const { jobs, pool } = bundle<M>(lenient);
    const base = Date.now() - 10_000;
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "low-early", priority: 1, runAt: base });
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "high-late", priority: 9, runAt: base + 2000 });
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "high-early", priority: 9, runAt: base + 1000 });
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "later", priority: 100, runAt: Date.now() + 60_000 });
    await jobs.schedule("other", { n: 0 }, { id: "other-mid", priority: 5, runAt: base });
    expect((await jobs.listJobs("queued")).map((j) => j.id)).toEqual(["high-early", "high-late", "other-mid", "low-early", "later"]);
    expect((await jobs.listJobs("queued", { type: "task" })).map((j) => j.id)).toEqual(["high-early", "high-late", "low-early", "later"]);

    const finishedOrder: string[] = [];
    await pool({ handlers: { task: (_p, job) => void finishedOrder.push(job.id) }, concurrency: 1 }).start();
    await waitUntil(async () => (await jobs.counts()).byType.task!.finished === 3);
    expect(finishedOrder).toEqual(["high-early", "high-late", "low-early"]);
    expect((await jobs.listJobs("finished")).map((j) => j.id)).toEqual(["low-early", "high-late", "high-early"]);
  });

  it("TestStatusJobs / TestGetJobsByIdsScript: listJobs returns the same jobs findJob reads", async () => {
    const { jobs } = bundle<M>(lenient);
    const created = await jobs.scheduleBulk("task", [{ mode: "ok", n: 1 }, { mode: "ok", n: 2 }, { mode: "ok", n: 3 }], { delay: "1h", retries: 2 });
    const listed = await jobs.listJobs("queued");
    expect(listed).toHaveLength(3);
    for (const job of listed) expect({ ...job }).toEqual({ ...(await jobs.findJob(job.id)) });
    expect(new Set(listed.map((j) => j.id))).toEqual(new Set(created.map((j) => j.id)));
  });

  it("listJobs pages through a status with offset and limit, without gaps or repeats", async () => {
    const { jobs } = bundle<M>(lenient);
    const base = Date.now() - 100_000;
    for (let n = 0; n < 5; n++) await jobs.schedule("task", { mode: "ok", n }, { id: `t${n}`, runAt: base + n * 1000 });
    for (let n = 0; n < 3; n++) await jobs.schedule("other", { n }, { id: `o${n}`, runAt: base + n * 1000 + 500 });
    const all = (await jobs.listJobs("queued")).map((j) => j.id);
    expect(all).toEqual(["t0", "o0", "t1", "o1", "t2", "o2", "t3", "t4"]);
    const pages: string[][] = [];
    for (let offset = 0; offset < 10; offset += 3) pages.push((await jobs.listJobs("queued", { offset, limit: 3 })).map((j) => j.id));
    expect(pages).toEqual([["t0", "o0", "t1"], ["o1", "t2", "o2"], ["t3", "t4"], []]);
    expect((await jobs.listJobs("queued", { type: "other", offset: 1, limit: 5 })).map((j) => j.id)).toEqual(["o1", "o2"]);
    expect(await jobs.listJobs("failed")).toEqual([]);
  });

  it("one type's queued jobs, paged at every offset, give its whole listing in claim order: priorities above 0, the queue list, below 0, then delayed", async () => {
    const { jobs } = bundle<M>(lenient);
    const base = Date.now() - 100_000;
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "later", runAt: Date.now() + 60_000 });
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "sooner", delay: "30s", priority: -3 });
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "low", priority: -2, runAt: base });
    for (let n = 0; n < 6; n++) await jobs.schedule("task", { mode: "ok", n }, { id: `q${n}`, runAt: base + n });
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "high", priority: 4, runAt: base + 50 });
    await jobs.schedule("task", { mode: "ok", n: 0 }, { id: "higher", priority: 5, runAt: base + 60 });
    const order = ["higher", "high", "q0", "q1", "q2", "q3", "q4", "q5", "low", "sooner", "later"];
    expect((await jobs.listJobs("queued", { type: "task" })).map((j) => j.id)).toEqual(order);
    for (const limit of [1, 2, 3, 5]) {
      for (let offset = 0; offset <= order.length; offset++) {
        const page = (await jobs.listJobs("queued", { type: "task", offset, limit })).map((j) => j.id);
        expect(page, `offset ${offset}, limit ${limit}`).toEqual(order.slice(offset, offset + limit));
      }
    }
  });

  it("a page of one type's queue list skips the holes a bulk cancel left: exactly near the head, and deeper down starting as many jobs early as there are holes before it", async () => {
    const schema = { type: "object", properties: { mode: { type: "string" }, n: { type: "number" } } };
    const { jobs } = bundle<M>({ ...lenient, task: jobType<{ mode: Mode; n: number }>("task", anyPayload, { schema }) });
    const head = await jobs.scheduleBulk("task", Array.from({ length: 20 }, (_, n) => ({ mode: "ok" as const, n })));
    await jobs.scheduleBulk("task", Array.from({ length: 10_000 }, (_, n) => ({ mode: "wait" as const, n })));
    const tail = await jobs.scheduleBulk("task", Array.from({ length: 30 }, (_, n) => ({ mode: "ok" as const, n: 100 + n })));
    // Holes at positions 5, 7 and 9, none at the head: a bulk cancel pops only the holes in front.
    const cancelled = [5, 7, 9].map((k) => head[k]!.id);
    for (const k of [5, 7, 9]) await jobs.cancelAll({ type: "task", status: "queued", where: { n: k, mode: "ok" } });
    const remaining = head.filter((job) => !cancelled.includes(job.id)).map((job) => job.id);
    expect((await jobs.listJobs("queued", { type: "task", offset: 4, limit: 5 })).map((j) => j.id)).toEqual(remaining.slice(4, 9));
    // The tail's jobs sit past 10,000 entries: a page there is read from the list position its offset
    // names, as if there were no holes, so it starts three jobs early.
    const tailStart = 17 + 10_000;
    expect((await jobs.listJobs("queued", { type: "task", offset: tailStart + 3, limit: 5 })).map((j) => j.id)).toEqual(tail.slice(0, 5).map((j) => j.id));
    expect((await jobs.counts()).byType.task!.queued).toBe(17 + 10_000 + 30);
  }, 60_000);
});

describe("counts() of queued jobs", () => {
  it("separates the due ones from the delayed and the retrying ones", async () => {
    const { jobs, pool } = bundle<M>(lenient);
    await jobs.scheduleBulk("task", [{ mode: "ok", n: 1 }, { mode: "ok", n: 2 }]);
    await jobs.schedule("task", { mode: "ok", n: 3 }, { delay: "1h" });
    await jobs.schedule("other", { n: 1 }, { retries: 1, backoff: { type: "fixed", delay: "1h" } });
    const p = pool({ handlers: { other: () => Promise.reject(new Error("try again later")) } });
    const retried = new Promise((resolve) => p.once("retried", resolve));
    await p.start();
    await retried;

    const counts = await jobs.counts();
    expect(counts.byType.task!.queued).toBe(3);
    expect(counts.queued.byType).toEqual({ task: { due: 2, delayed: 1 }, other: { due: 0, delayed: 1 } });
    expect(counts.queued.total).toEqual({ due: 2, delayed: 2 });
    expect(counts.total.queued).toBe(4);
  });
});
