import { describe, expect, it } from "vitest";
import { requeueExpired, type RequeueExpiredArgs } from "../../src/redis/scripts/requeue-expired.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { CORRUPT_RECORDS, FUTURE, T0, quarantined, readState, readyScore, rec, scope, seedExecuting, seedFinished, seedPool, seedQueued, seedRaw, timed, type Scope, type State } from "./seed.js";

// requeueExpired.lua: the reaper. Jobs whose lease ran out go back to ready (priority 0: the head of
// the queue list; a priority: the ready zset) without using a retry; one recovered too often fails
// with LeaseExpiredError; one whose cancel was requested ends cancelled. It also forgets pools whose
// heartbeat is stale.

const { server } = useRedis();
const redis = useRedisClient(server);

function run(s: Scope, o: Partial<RequeueExpiredArgs> = {}) {
  return requeueExpired(s.runner, { types: ["alpha"], limit: 100, maxRecoveries: 3, stalePoolMs: 60_000, ...o });
}

const executing = (fields: Record<string, unknown> = {}) => ({ t: "alpha", s: "executing", at: T0, c: T0, h: "test-alpha", a: 1, st: T0, w: "pool-a", ...fields });

describe("requeueExpired.lua", () => {
  it("puts a job with a priority whose lease expired back in the ready zset, at its old score, counting the recovery but not a failure", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "dead", { pr: 3, r: 2, f: 1 }, T0 + 10);
    await seedExecuting(s, "alpha", "alive", {}, FUTURE);
    const { result } = await timed(() => run(s));
    expect(result).toEqual([{ id: "dead", outcome: "requeued", type: "alpha" }]);
    expect(await readState(s)).toEqual({
      jobs: {
        dead: rec({ ...executing({ pr: 3, r: 2, f: 1 }), s: "queued", rc: 1 }),
        alive: rec(executing()),
      },
      zsets: { "ready:alpha": { dead: readyScore(3, T0) }, "executing:alpha": { alive: FUTURE } },
      lists: { "wake:alpha": ["1"] },
    });
  });

  it("puts a priority-0 job whose lease expired at the head of its queue list, where it was taken from, ahead of the jobs waiting", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    await seedExecuting(s, "alpha", "dead", { r: 2, f: 1 }, T0 + 10);
    const { result } = await timed(() => run(s));
    expect(result).toEqual([{ id: "dead", outcome: "requeued", type: "alpha" }]);
    expect(await readState(s)).toEqual({
      jobs: {
        waiting: rec({ t: "alpha", s: "queued", at: T0, c: T0, h: "test-alpha" }),
        dead: rec({ ...executing({ r: 2, f: 1 }), s: "queued", rc: 1 }),
      },
      lists: { "queue:alpha": ["dead", "waiting"], "wake:alpha": ["1"] },
    });
  });

  it("fails a job that lost its lease more than maxRecoveries times, naming the pool", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "cursed", { rc: 3, r: 5, w: "pool-z" }, T0);
    const { result, now } = await timed(() => run(s, { maxRecoveries: 3 }));
    expect(result).toEqual([{ id: "cursed", outcome: "failed", type: "alpha" }]);
    expect(await readState(s)).toEqual({
      jobs: {
        cursed: rec({
          ...executing({ r: 5, w: "pool-z" }), s: "failed", rc: 4, ft: now,
          e: { name: "LeaseExpiredError", message: "job cursed lost its lease 4 times (pool pool-z stopped renewing it); giving up" },
        }),
      },
      zsets: { "failed:alpha": { cursed: now } },
      // Counted as failed in the type's throughput series (test/ops-stats/throughput.test.ts).
      other: { "throughput:alpha": "hash" },
    });
  });

  it("requeues a job whose recoveries reach maxRecoveries exactly (one more would fail it)", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", { rc: 2 }, T0);
    const { result } = await timed(() => run(s, { maxRecoveries: 3 }));
    expect(result).toEqual([{ id: "j", outcome: "requeued", type: "alpha" }]);
  });

  it("ends a job cancelled while its pool died as cancelled, not requeued", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", { cx: true, r: 3 }, T0);
    const { result, now } = await timed(() => run(s));
    expect(result).toEqual([{ id: "j", outcome: "cancelled", type: "alpha" }]);
    expect(await readState(s)).toEqual({
      jobs: { j: rec({ ...executing({ r: 3 }), s: "cancelled", rc: 1, ft: now }) },
      zsets: { "cancelled:alpha": { j: now } },
    });
  });

  it.each(CORRUPT_RECORDS)("quarantines an expired record that cannot be read ($name), bytes kept", async ({ raw, reason }) => {
    const s = scope(redis());
    await seedRaw(s, "alpha", "j", raw, "executing", T0);
    const { result, now } = await timed(() => run(s));
    expect(result).toEqual([{ id: "j", outcome: "corrupt", type: "alpha" }]);
    expect(await readState(s)).toEqual({ jobs: { j: quarantined("alpha", "j", raw, reason, now) }, zsets: { "failed:alpha": { j: now } } });
  });

  it("drops an expired lease whose job was destroyed, reporting nothing", async () => {
    const s = scope(redis());
    await s.redis.zadd(s.key("executing:alpha"), String(T0), "ghost");
    const { result } = await timed(() => run(s));
    expect(result).toEqual([]);
    expect(await readState(s)).toEqual({});
  });

  it.each(["finished", "failed", "queued"] as const)("drops a leftover expired entry of a job that is %s by now, without running it again", async (status) => {
    const s = scope(redis());
    if (status === "queued") await seedQueued(s, "alpha", "j", { a: 1 });
    else await seedFinished(s, "alpha", "j", status);
    await s.redis.zadd(s.key("executing:alpha"), String(T0), "j");
    const before = await readState(s);
    const { result } = await timed(() => run(s));
    expect(result).toEqual([]);
    // Only the leftover entry goes; a key left empty disappears (a queued job is in no zset now).
    const zsets = { ...before.zsets };
    delete zsets["executing:alpha"];
    const after: State = { ...before, zsets };
    if (Object.keys(zsets).length === 0) delete after.zsets;
    expect(await readState(s)).toEqual(after);
  });

  it("recovers at most `limit` jobs per type per call, earliest deadline first, and only the given types, naming each job's type", async () => {
    const s = scope(redis());
    for (const n of [1, 2, 3]) await seedExecuting(s, "alpha", `a${n}`, {}, T0 + n);
    for (const n of [1, 2, 3]) await seedExecuting(s, "beta", `b${n}`, { t: "beta", h: "test-beta" }, T0 + n);
    await seedExecuting(s, "gamma", "g1", { t: "gamma", h: "test-gamma" }, T0);
    const { result } = await timed(() => run(s, { types: ["alpha", "beta"], limit: 2 }));
    expect(result).toEqual([
      { id: "a1", outcome: "requeued", type: "alpha" }, { id: "a2", outcome: "requeued", type: "alpha" },
      { id: "b1", outcome: "requeued", type: "beta" }, { id: "b2", outcome: "requeued", type: "beta" },
    ]);
    const state = await readState(s);
    expect(state.zsets).toEqual({
      "executing:alpha": { a3: T0 + 3 },
      "executing:beta": { b3: T0 + 3 },
      "executing:gamma": { g1: T0 },
    });
    // The recovered jobs go to the head of their lists in the order they were recovered (earliest
    // deadline first), so they run again in the order they ran.
    expect(state.lists).toEqual({ "queue:alpha": ["a1", "a2"], "queue:beta": ["b1", "b2"], "wake:alpha": ["1"], "wake:beta": ["1"] });
  });

  it("forgets pools whose heartbeat is older than stalePoolMs and keeps the live ones", async () => {
    const s = scope(redis());
    const now = Date.now();
    await seedPool(s, "dead-long-ago", T0);
    await seedPool(s, "dead-recently", now - 120_000);
    await seedPool(s, "alive", now - 1_000);
    await seedPool(s, "alive-now", now);
    const { result } = await timed(() => run(s, { stalePoolMs: 60_000 }));
    expect(result).toEqual([]);
    expect(await readState(s)).toEqual({ zsets: { pools: { alive: now - 1_000, "alive-now": now } } });
  });

  it("leaves everything alone when no lease expired", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", {}, FUTURE);
    const before = await readState(s);
    expect((await timed(() => run(s))).result).toEqual([]);
    expect(await readState(s)).toEqual(before);
  });
});
