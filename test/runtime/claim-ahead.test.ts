import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "typed-jobs";
import { AHEAD_WINDOW_MS, ClaimAhead } from "../../src/pool/claim-ahead.js";
import { luaScripts } from "../../src/redis/lua.generated.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { eventsOf, gate, headerOf, recordEvents, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// A pool claims, besides its free slots, the jobs it expects to start within a few milliseconds, so
// fast handlers at low concurrency do not pay a round trip per job; a job so claimed that cannot start
// in time goes back to the queue as if it had never been claimed (albrow/jobs#44 must not come back).

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

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

/** Every call of one of our scripts from now on (through MONITOR): its own arguments, after the key layout. */
async function watchScript(name: keyof typeof luaScripts): Promise<{ calls: string[][]; stop(): Promise<void> }> {
  const sha = createHash("sha1").update(luaScripts[name]).digest("hex");
  const summary = luaScripts[name].split("\n")[1]!;
  const monitor = await redis().monitor();
  const calls: string[][] = [];
  monitor.on("monitor", (_time: string, args: string[]) => {
    // A script runner sends a script's first call as EVAL with its text, then EVALSHA. MONITOR
    // escapes the text's newlines, so the EVAL is known by its first comment line.
    const command = args[0]?.toLowerCase();
    if (!(command === "evalsha" && args[1] === sha) && !(command === "eval" && args[1]?.includes(summary))) return;
    const keyCount = Number(args[2]);
    const typeCount = Number(args[3 + keyCount]);
    calls.push(args.slice(4 + keyCount + typeCount));
  });
  return { calls, stop: () => monitor.disconnect() as unknown as Promise<void> };
}

describe("a pool claiming ahead", () => {
  it("takes claimAhead as true or false only, refusing anything else with an error naming it", () => {
    const { pool } = bundle<M>(types);
    expect(() => pool({ claimAhead: "no" as unknown as boolean, handlers: { task: () => undefined } })).toThrow(InvalidOptionError);
    expect(() => pool({ claimAhead: 1 as unknown as boolean, handlers: { task: () => undefined } })).toThrow(/claimAhead/);
  });

  it("at concurrency 1 with fast handlers, serves many jobs per claim and still runs one at a time, each exactly once", async () => {
    const { jobs, pool } = bundle<M>(types);
    const claims = await watchScript("claim");
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
    await claims.stop();
    expect(mostAtOnce).toBe(1);
    expect([...runs.values()].every((count) => count === 1) && runs.size === scheduled.length).toBe(true);
    expect(claims.calls.length).toBeGreaterThan(0);
    expect(claims.calls.length).toBeLessThan(scheduled.length / 10);
    for (const job of [scheduled[0]!, scheduled[299]!]) expect((await job.refresh()).attempts).toBe(1);
  });

  it("hands back unstarted the jobs it claimed ahead of a handler that turned slow: they run elsewhere as their first attempt", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const handedBack = await watchScript("release");
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

    // Claimed with it, then handed back once they had waited the hold limit: queued, claim undone.
    await waitUntil(async () => {
      const headers = await Promise.all(behind.map((job) => headerOf(redis(), namespace, job.id)));
      return headers.every((h) => (h.s ?? "queued") === "queued" && h.a === undefined && h.st === undefined && h.w === undefined);
    }, 10_000, "the jobs behind the slow one handed back");
    // The hand-back itself: one release of all three, as claims never started ("0").
    await waitUntil(() => handedBack.calls.length > 0, 10_000, "a release call");
    await handedBack.stop();
    expect(handedBack.calls).toEqual([["3", ...behind.flatMap((job) => [job.id, "1", "1", "0"])]]);
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
