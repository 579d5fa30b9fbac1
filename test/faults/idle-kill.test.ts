import { describe, expect, it } from "vitest";
import { createJobs } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { drainAndAudit, duplicates } from "./support/audit.js";
import { ChildPool } from "./support/child-pool.js";
import { useFaultHarness } from "./support/harness.js";
import { faultTypes, type FaultJobs } from "./support/contract.js";

// A pool killed with SIGKILL while it waits idle: its registration in idle:<T> outlives it (until
// its wait would have ended), so jobs scheduled one by one right after are handed to it. None is
// lost or runs twice: a survivor waiting on the same list pops them, or takes what is left there
// with its next claim.

const JOBS = 30;
const h = useFaultHarness();
const { children, open } = h;

describe("a pool killed while it waits idle", () => {
  it(`its registration outlives it, yet all ${JOBS} jobs handed over after the kill run once, on the survivor`, async () => {
    const namespace = "idle-kill";
    const idleKey = `tj:{${namespace}}:idle:work`; // written out, as the fault suite's audit writes its keys
    const jobs = createJobs<FaultJobs>(faultTypes, { redis: h.server.url, namespace });
    open.push(jobs);
    // The survivor runs one job at a time, so jobs handed to the dead pool also wait in the list
    // while the survivor is busy, for its next claim.
    const [victim, survivor] = (await Promise.all([
      ChildPool.start({ redisUrl: h.server.url, namespace, tag: "victim", concurrency: 4 }),
      ChildPool.start({ redisUrl: h.server.url, namespace, tag: "survivor", concurrency: 1 }),
    ])) as [ChildPool, ChildPool];
    children.push(victim, survivor);
    // An entry is '<lease ms>:<identities the pool knows>:<pool id>' (includes/handoff.lua).
    const entryOf = async (pool: ChildPool) => (await h.redis.zrange(idleKey, "0", "-1")).find((member) => member.startsWith("1000:") && member.endsWith(`:${pool.poolId}`));
    const registeredUntil = async (pool: ChildPool) => {
      const entry = await entryOf(pool);
      return entry === undefined ? 0 : Number((await h.redis.zscore(idleKey, entry)) ?? 0);
    };
    // Killed while the survivor's registration has most of a second left (each renews its own when
    // its 1 s wait ends); the dead pool's is then made the one a schedule picks, the wait ending
    // first, as it is whenever the dead pool registered before the survivor did. The jobs below are
    // scheduled well within that second.
    await waitUntil(async () => (await registeredUntil(victim)) > 0 && (await registeredUntil(survivor)) > Date.now() + 600, 15_000, "both pools registered idle");
    await victim.kill();
    await h.redis.zadd(idleKey, "XX", (await registeredUntil(survivor)) - 1, (await entryOf(victim))!);

    const handedToVictim: string[] = [];
    const scheduled: string[] = [];
    for (let n = 0; n < JOBS; n++) {
      const job = await jobs.schedule("work", { n, ms: 5 });
      scheduled.push(job.id);
      if (job.poolId === victim.poolId) handedToVictim.push(job.id);
    }
    expect(await registeredUntil(victim)).toBeGreaterThan(Date.now());
    expect(handedToVictim.length).toBeGreaterThan(0);

    const audit = await drainAndAudit(h.redis, namespace, 30_000);
    expect(audit.counts).toMatchObject({ finished: JOBS, failed: 0 });
    expect(duplicates(audit)).toEqual([]);
    for (const id of scheduled) {
      expect(audit.executions.get(id), `executions of ${id}`).toBe(1);
      expect(audit.headers.get(id)).toMatchObject({ s: "finished", a: 1, w: survivor.poolId });
    }
  });
});
