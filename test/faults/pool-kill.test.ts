import { describe, expect, it } from "vitest";
import { AHEAD_WINDOW_MS } from "../../src/pool/claim-ahead.js";
import { createJobs } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { drainAndAudit, duplicates, executingBy } from "./support/audit.js";
import { ChildPool } from "./support/child-pool.js";
import { useFaultHarness } from "./support/harness.js";
import { execKey, faultTypes, type FaultJobs } from "./support/contract.js";

// A pool process killed with SIGKILL under load: its leases run out and the surviving pools put its
// jobs back and run them. Nothing is lost; only the jobs it held at the kill may run twice.

const JOBS = 3000;
const h = useFaultHarness();
const { children, open } = h;

describe("a pool killed with SIGKILL under load", () => {
  it(`loses none of ${JOBS} jobs: the survivors finish everything once the leases expire`, async () => {
    const namespace = "pool-kill";
    const jobs = createJobs<FaultJobs>(faultTypes, { redis: h.server.url, namespace });
    open.push(jobs);
    const start = (tag: string) => ChildPool.start({ redisUrl: h.server.url, namespace, tag, concurrency: 20, lease: "1s" });
    children.push(...(await Promise.all([start("victim"), start("survivor-1"), start("survivor-2")])));
    const [victim, ...survivors] = children as [ChildPool, ChildPool, ChildPool];

    const scheduled: string[] = [];
    for (let i = 0; i < JOBS; i += 500) {
      const batch = await jobs.scheduleBulk("work", Array.from({ length: Math.min(500, JOBS - i) }, (_, k) => ({ n: i + k, ms: 5 })));
      scheduled.push(...batch.map((j) => j.id));
    }

    // Kill the victim while it is busy: once it has started a good share of the work.
    await waitUntil(async () => (await h.redis.hvals(execKey(namespace))).filter((tag) => tag === "victim").length >= 150, 60_000, "the victim never got going");
    await victim.kill();
    const heldAtKill = new Set(await executingBy(h.redis, namespace, victim.poolId));

    const audit = await drainAndAudit(h.redis, namespace, 90_000);
    expect(audit.records).toBe(JOBS);
    expect(audit.counts).toMatchObject({ finished: JOBS, failed: 0, cancelled: 0, rejected: 0 });
    for (const id of scheduled) expect(audit.executions.get(id) ?? 0, `executions of ${id}`).toBeGreaterThanOrEqual(1);
    // At-least-once: a job runs again only if the victim held it when it died, and then only once more.
    for (const id of duplicates(audit)) {
      expect(heldAtKill.has(id), `${id} ran twice but the victim did not hold it at the kill`).toBe(true);
      expect(audit.executions.get(id)).toBe(2);
      expect(audit.headers.get(id)!.rc).toBe(1);
    }
    expect(heldAtKill.size).toBeGreaterThan(0);
    // What it held: its running jobs and those claimed for it (20 slots, plus what it expected to start
    // within ClaimAhead's window: 20 x 5 ms / 5 ms jobs = 20 more), some of them still on the wire when it
    // died, and finished jobs whose settle had not landed yet; not more than twice that.
    expect(heldAtKill.size).toBeLessThanOrEqual(2 * (20 + (AHEAD_WINDOW_MS * 20) / 5));
    expect(survivors.every((p) => p.alive)).toBe(true);
  });
});
