import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "typed-jobs";
import { AHEAD_WINDOW_MS, ClaimAhead } from "../../src/pool/claim-ahead.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { eventsOf, gate, recordEvents, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// A pool claims, besides its free slots, the jobs it expects to start within a few milliseconds, so
// fast handlers at low concurrency do not pay a round trip per job; a job so claimed that cannot start
// in time goes back to the queue as if it had never been claimed (albrow/jobs#44 must not come back).

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { bundle } = useRedis();

describe("ClaimAhead: how many jobs a pool holds beyond its running ones", () => {
  it("none until a handler has been timed, and none when claiming ahead is off", () => {
    expect(new ClaimAhead(1, true).allowance).toBe(0);
    const off = new ClaimAhead(1, false);
    off.record(0.01);
    expect(off.allowance).toBe(0);
  });

  it("as many as start within the window: none for handlers of the window or longer, a capped claim's worth for microseconds", () => {
    const slow = new ClaimAhead(1, true);
    slow.record(AHEAD_WINDOW_MS * 2);
    expect(slow.allowance).toBe(0);
    const medium = new ClaimAhead(4, true);
    medium.record(AHEAD_WINDOW_MS / 2);
    expect(medium.allowance).toBe(8);
    const fast = new ClaimAhead(1, true);
    fast.record(0.01);
    expect(fast.allowance).toBe(64);
  });

  it("follows the handlers' recent times, and drops to none when held jobs waited too long", () => {
    const ahead = new ClaimAhead(1, true);
    ahead.record(0.01);
    ahead.record(1000);
    expect(ahead.allowance).toBe(0);
    for (let i = 0; i < 60; i++) ahead.record(0.01);
    expect(ahead.allowance).toBe(64);
    ahead.slowedDown();
    expect(ahead.allowance).toBe(0);
  });
});

describe("a pool claiming ahead", () => {
  it("takes claimAhead as true or false only, refusing anything else with an error naming it", () => {
    const { pool } = bundle<M>(types);
    expect(() => pool({ claimAhead: "no" as unknown as boolean, handlers: { task: () => undefined } })).toThrow(InvalidOptionError);
    expect(() => pool({ claimAhead: 1 as unknown as boolean, handlers: { task: () => undefined } })).toThrow(/claimAhead/);
  });

  // How many jobs a claim brings is the optimisation (ClaimAhead's tests above); what a user sees is
  // that claiming ahead never runs more than `concurrency` at once, nor a job twice.
  it("at concurrency 1 with fast handlers, still runs one at a time, each job once, as its first attempt", async () => {
    const { jobs, pool } = bundle<M>(types);
    const scheduled = await jobs.scheduleBulk("task", Array.from({ length: 300 }, (_, n) => ({ n })));
    const runs = new Map<number, number>();
    let running = 0;
    let mostAtOnce = 0;
    const p = pool({
      concurrency: 1,
      handlers: {
        task: async ({ n }) => {
          mostAtOnce = Math.max(mostAtOnce, ++running);
          runs.set(n, (runs.get(n) ?? 0) + 1);
          await Promise.resolve();
          running--;
        },
      },
    });
    let finished = 0;
    p.on("finished", () => finished++);
    await p.start();
    await waitUntil(() => finished === scheduled.length, 20_000, "all jobs finished");
    expect(mostAtOnce).toBe(1);
    expect([...runs.values()].every((count) => count === 1) && runs.size === scheduled.length).toBe(true);
    const found = await Promise.all(scheduled.map((job) => jobs.findJob(job.id)));
    expect(found.filter((job) => job.status !== "finished" || job.attempts !== 1)).toEqual([]);
  });

  it("with a batch larger than twice its concurrency and handlers of a few milliseconds (one job claimed ahead), runs every job", async () => {
    const { jobs, pool } = bundle<M>(types);
    const scheduled = await jobs.scheduleBulk("task", Array.from({ length: 40 }, (_, n) => ({ n })));
    // A handler of 3 ms at concurrency 1: one job is claimed ahead, and never more than two slots are
    // free, under half of a batch of 4 plus one.
    const p = pool({ concurrency: 1, batchSize: 4, handlers: { task: () => new Promise<void>((resolve) => setTimeout(resolve, 3)) } });
    let finished = 0;
    p.on("finished", () => finished++);
    await p.start();
    await waitUntil(() => finished === scheduled.length, 10_000, "all jobs finished");
  });

  it("does not keep jobs waiting behind a handler that turned slow: they go back to the queue unstarted and run elsewhere as their first attempt", async () => {
    const { jobs, pool } = bundle<M>(types);
    const slow = gate();
    let slowStarted = false;
    const fast = pool({
      concurrency: 1,
      handlers: {
        task: async ({ n }) => {
          if (n !== 0) return;
          slowStarted = true;
          await slow.promise;
        },
      },
    });
    const seenByFast = recordEvents(fast);
    await fast.start();
    // Fast handlers first, so the pool claims ahead; then the slow one, with jobs behind it.
    const warmUp = await jobs.scheduleBulk("task", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    for (const job of warmUp) await waitForStatus(job, "finished");
    const [blocker, ...behind] = await jobs.scheduleBulk("task", [{ n: 0 }, { n: 10 }, { n: 11 }, { n: 12 }]);
    await waitUntil(() => slowStarted, 10_000, "the slow job started");

    // Claimed with it (while the handlers were fast), then handed back once they had waited the
    // hold limit: queued, as if never claimed.
    await waitUntil(async () => {
      const found = await Promise.all(behind.map((job) => jobs.findJob(job.id)));
      return found.every((job) => job.status === "queued" && job.attempts === 0 && job.startedAt === undefined && job.poolId === undefined);
    }, 10_000, "the jobs behind the slow one handed back");
    const other = pool({ concurrency: 1, claimAhead: false, handlers: { task: () => undefined } });
    await other.start();
    for (const job of behind) {
      await waitForStatus(job, "finished");
      expect(job).toMatchObject({ attempts: 1, poolId: other.id });
      expect(eventsOf(seenByFast, job.id)).toEqual([]);
    }
    expect((await blocker!.refresh()).status).toBe("executing");
    slow.open();
    await waitForStatus(blocker!, "finished");
  });
});
