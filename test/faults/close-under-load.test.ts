import { describe, expect, it } from "vitest";
import { createJobs } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { drainAndAudit, duplicates, executingBy } from "./support/audit.js";
import { ChildPool } from "./support/child-pool.js";
import { useFaultHarness } from "./support/harness.js";
import { doneKey, execKey, faultTypes, type FaultJobs } from "./support/contract.js";

// close() during a deploy, with a second pool still running: what the closing pool started finishes
// (or, past the grace period, goes back to the queue), what it held but had not started goes back at
// once, and nothing is lost.

const h = useFaultHarness();
const { children, open } = h;

/** The ids whose execution log has an entry from `tag` in `key`. */
async function idsBy(key: string, tag: string): Promise<Set<string>> {
  const entries = await h.redis.hgetall(key);
  return new Set(Object.entries(entries).filter(([, t]) => t === tag).map(([field]) => field.slice(0, field.lastIndexOf("#"))));
}

async function setup(namespace: string, grace: string) {
  const jobs = createJobs<FaultJobs>(faultTypes, { redis: h.server.url, namespace });
  open.push(jobs);
  const pools = await Promise.all([
    ChildPool.start({ redisUrl: h.server.url, namespace, tag: "a", concurrency: 10, lease: "1s", grace }),
    ChildPool.start({ redisUrl: h.server.url, namespace, tag: "b", concurrency: 10, lease: "1s" }),
  ]);
  children.push(...pools);
  return { jobs, a: pools[0], b: pools[1] };
}

describe("close() under load during a deploy", () => {
  it("lets running jobs finish within the grace period: every job runs exactly once", async () => {
    const ns = "close-grace";
    const { jobs, a, b } = await setup(ns, "10s");
    const made = await jobs.scheduleBulk("work", Array.from({ length: 300 }, (_, n) => ({ n, ms: 100 })));
    await waitUntil(async () => (await idsBy(execKey(ns), "a")).size >= 30, 30_000);

    await a.close();
    // Nothing of A's is left executing: each job it held finished or went back.
    expect(await executingBy(h.redis, ns, a.poolId)).toEqual([]);
    const startedByA = await idsBy(execKey(ns), "a");
    const finishedByA = await idsBy(doneKey(ns), "a");
    expect(finishedByA).toEqual(startedByA);

    const audit = await drainAndAudit(h.redis, ns);
    expect(audit.counts).toMatchObject({ finished: 300, failed: 0 });
    for (const job of made) expect(audit.executions.get(job.id), `executions of ${job.id}`).toBe(1);
    expect(b.alive).toBe(true);
  });

  it("hands back what still runs after the grace period: those run once more elsewhere, the rest exactly once", async () => {
    const ns = "close-short-grace";
    const { jobs, a, b } = await setup(ns, "300ms");
    const made = await jobs.scheduleBulk("work", Array.from({ length: 60 }, (_, n) => ({ n, ms: 1500 })));
    await waitUntil(async () => (await idsBy(execKey(ns), "a")).size >= 10, 30_000);

    await a.close();
    expect(await executingBy(h.redis, ns, a.poolId)).toEqual([]);
    const startedByA = await idsBy(execKey(ns), "a");
    const finishedByA = await idsBy(doneKey(ns), "a");
    const cutShort = [...startedByA].filter((id) => !finishedByA.has(id));
    expect(cutShort.length).toBeGreaterThan(0);

    const audit = await drainAndAudit(h.redis, ns);
    expect(audit.counts).toMatchObject({ finished: 60, failed: 0 });
    for (const job of made) expect(audit.executions.get(job.id) ?? 0, `executions of ${job.id}`).toBeGreaterThanOrEqual(1);
    for (const id of duplicates(audit)) {
      expect(cutShort, `${id} ran twice but A finished it`).toContain(id);
      expect(audit.executions.get(id)).toBe(2);
    }
    // Handed back, not recovered: a release is not a lease expiry.
    for (const id of cutShort) expect(audit.headers.get(id)!.rc ?? 0).toBe(0);
    expect(b.alive).toBe(true);
  });
});
