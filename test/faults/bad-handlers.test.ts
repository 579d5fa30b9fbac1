import { describe, expect, it } from "vitest";
import { createJobs } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { drainAndAudit, jobsKey } from "./support/audit.js";
import { ChildPool } from "./support/child-pool.js";
import { useFaultHarness } from "./support/harness.js";
import { execKey, faultTypes, type FaultJobs } from "./support/contract.js";

// Handlers that misbehave, each in a real pool process: one that never settles, one that throws
// things that are not Errors, one that blocks the event loop past its lease. Each ends as documented
// and the pool process lives on and runs the next job.

const h = useFaultHarness();
const { children, open } = h;

async function setup(namespace: string, pools: { tag: string; concurrency?: number; grace?: string }[]) {
  const jobs = createJobs<FaultJobs>(faultTypes, { redis: h.server.url, namespace });
  open.push(jobs);
  const started = await Promise.all(pools.map((p) => ChildPool.start({ redisUrl: h.server.url, namespace, lease: "1s", ...p })));
  children.push(...started);
  return { jobs, pools: started };
}

describe("handlers that misbehave", () => {
  it("a handler that never settles, with a timeout: each attempt fails with JobTimeoutError, retried, then failed", async () => {
    const { jobs, pools } = await setup("hang-timeout", [{ tag: "p", concurrency: 2 }]);
    const hung = await jobs.schedule("work", { n: 1, kind: "hang" }, { timeout: "300ms", retries: 1 });
    const after = await jobs.schedule("work", { n: 2 }, { delay: "1s" });
    const audit = await drainAndAudit(h.redis, "hang-timeout");
    expect(audit.headers.get(hung.id)).toMatchObject({ s: "failed", a: 2, f: 2, e: { name: "JobTimeoutError" } });
    expect(audit.executions.get(hung.id)).toBe(2);
    // The pool freed the hung slots and runs what comes next.
    expect(audit.headers.get(after.id)).toMatchObject({ s: "finished" });
    expect(pools[0]!.alive).toBe(true);
  });

  it("a handler that never settles, without a timeout: it keeps its lease while the pool lives, and close() hands it back", async () => {
    const { jobs, pools } = await setup("hang-forever", [{ tag: "p", concurrency: 2, grace: "300ms" }]);
    const hung = await jobs.schedule("work", { n: 1, kind: "hang" });
    const executing = `tj:{hang-forever}:executing:work`;
    await waitUntil(async () => (await h.redis.zscore(executing, hung.id)) !== null, 30_000);
    // Two renewals later (past the 1 s lease) it is still this attempt's, never recovered.
    const first = Number(await h.redis.zscore(executing, hung.id));
    await waitUntil(async () => Number(await h.redis.zscore(executing, hung.id)) > first + 1000, 30_000, "the lease was not renewed");
    expect((await hung.refresh()).status).toBe("executing");
    expect(hung.attempts).toBe(1);
    const other = await jobs.schedule("work", { n: 2 });
    await waitUntil(async () => (await other.refresh()).status === "finished", 30_000);

    await pools[0]!.close();
    expect((await hung.refresh()).status).toBe("queued");
    expect(await h.redis.hlen(execKey("hang-forever"))).toBe(2);
  });

  it("a handler that throws things that are not Errors: each fails its attempts with a readable NonErrorThrown", async () => {
    const { jobs, pools } = await setup("non-errors", [{ tag: "p" }]);
    const thrown: unknown[] = ["a string", { code: 42 }, null, 7, undefined];
    const made = await Promise.all(thrown.map((value, n) => jobs.schedule("work", { n, kind: "throw", value }, { retries: 1 })));
    const after = await jobs.schedule("work", { n: 99 }, { delay: "500ms" });
    const audit = await drainAndAudit(h.redis, "non-errors");
    for (const job of made) {
      expect(audit.headers.get(job.id)).toMatchObject({ s: "failed", a: 2, f: 2, e: { name: "NonErrorThrown" } });
      expect(audit.executions.get(job.id)).toBe(2);
    }
    expect(audit.headers.get(made[0]!.id)!.e!.message).toContain("a string");
    expect(audit.headers.get(made[1]!.id)!.e!.message).toContain('{"code":42}');
    expect(audit.headers.get(after.id)).toMatchObject({ s: "finished" });
    expect(pools[0]!.alive).toBe(true);
  });

  it("a handler that throws a value nothing can print (null prototype, cyclic): the attempt fails, the pool lives on", async () => {
    const { jobs, pools } = await setup("unprintable", [{ tag: "p" }]);
    const job = await jobs.schedule("work", { n: 1, kind: "throw-unprintable" }, { retries: 1 });
    const after = await jobs.schedule("work", { n: 2 }, { delay: "500ms" });
    const audit = await drainAndAudit(h.redis, "unprintable");
    expect(audit.headers.get(job.id)).toMatchObject({ s: "failed", a: 2, f: 2, e: { name: "NonErrorThrown" } });
    expect(audit.executions.get(job.id)).toBe(2);
    expect(audit.headers.get(after.id)).toMatchObject({ s: "finished" });
    expect(pools[0]!.alive).toBe(true);
  });

  it("a handler that blocks the event loop past its lease, with a second pool present: each stall costs the jobs its pool held one extra run at most", async () => {
    const concurrency = 2;
    const { jobs, pools } = await setup("blocker", [{ tag: "a", concurrency }, { tag: "b", concurrency }]);
    const blockers = await jobs.scheduleBulk("work", Array.from({ length: 4 }, (_, n) => ({ n, kind: "block" as const, ms: 2500 })));
    const others = await jobs.scheduleBulk("work", Array.from({ length: 40 }, (_, n) => ({ n, ms: 50 })));
    const audit = await drainAndAudit(h.redis, "blocker");
    expect(audit.counts).toMatchObject({ finished: 44, failed: 0 });
    let extraRuns = 0;
    for (const job of [...blockers, ...others]) {
      const runs = audit.executions.get(job.id) ?? 0;
      expect(runs, `executions of ${job.id}`).toBeGreaterThanOrEqual(1);
      // Every run past the first is a lease the job lost and another pool recovered.
      expect(runs, `executions of ${job.id}`).toBeLessThanOrEqual(1 + (audit.headers.get(job.id)!.rc ?? 0));
      extraRuns += runs - 1;
    }
    // A blocker stalls its pool once (on its first attempt); the stall can cost each job that pool
    // held, at most `concurrency`, one run. A job caught in two pools' stalls runs three times.
    expect(extraRuns).toBeLessThanOrEqual(blockers.length * concurrency);
    expect(pools.every((p) => p.alive)).toBe(true);
    expect(await h.redis.hlen(jobsKey("blocker"))).toBe(44);
  });

  it("a pool that blocked past its lease and then claims the same job back keeps that new attempt", async () => {
    // B is busy with a long job, so it can only reap: the blocked job goes back to the queue while A is
    // stuck, and A, free again, claims it back as its next attempt while A's first heartbeat after the
    // block (sent with the old attempt) is still on its way.
    const { jobs, pools } = await setup("reclaim", [{ tag: "a", concurrency: 1 }, { tag: "b", concurrency: 1 }]);
    const sleeper = await jobs.schedule("work", { n: 0, ms: 5000 });
    await waitUntil(async () => (await h.redis.hlen(execKey("reclaim"))) === 1, 30_000);
    const blocker = await jobs.schedule("work", { n: 1, kind: "block", ms: 3000 });
    const audit = await drainAndAudit(h.redis, "reclaim");
    expect(audit.counts).toMatchObject({ finished: 2, failed: 0 });
    expect(audit.executions.get(sleeper.id)).toBe(1);
    const runs = audit.executions.get(blocker.id)!;
    expect(runs).toBeLessThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(1 + (audit.headers.get(blocker.id)!.rc ?? 0));
    expect(pools.every((p) => p.alive)).toBe(true);
  });
});
