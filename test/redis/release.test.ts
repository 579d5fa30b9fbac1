import { describe, expect, it } from "vitest";
import { release } from "../../src/redis/scripts/release.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { FUTURE, T0, readState, readyScore, rec, scope, seedExecuting, seedFinished, seedQueued, timed } from "./seed.js";

// release.lua: a closing pool hands back attempts it will not run (or could not finish in its grace
// period): queued again at once, not counted as failures; a cancel requested meanwhile ends them.

const { server } = useRedis();
const redis = useRedisClient(server);

const executing = (type: string, fields: Record<string, unknown> = {}) => ({ t: type, s: "executing", at: T0, c: T0, h: `test-${type}`, a: 1, st: T0, w: "pool-a", ...fields });

describe("release.lua", () => {
  it("queues a released priority-0 attempt at the head of its queue list (where it was taken from) and one with a priority in the ready zset by its score, across types, with one wake-up per type", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    await seedExecuting(s, "alpha", "a1", { pr: 2, f: 1, r: 3 });
    await seedExecuting(s, "alpha", "a2", { a: 3 });
    await seedExecuting(s, "beta", "b1", { t: "beta", h: "test-beta" });
    const reply = await release(s.runner, [{ id: "a1", attempt: 1, type: "alpha", started: true }, { id: "b1", attempt: 1, type: "beta", started: true }, { id: "a2", attempt: 3, type: "alpha", started: true }]);
    expect(reply).toEqual(["released", "released", "released"]);
    expect(await readState(s)).toEqual({
      jobs: {
        waiting: rec({ t: "alpha", s: "queued", at: T0, c: T0, h: "test-alpha" }),
        // The attempt number stays counted: it is the fencing token of the attempt just handed back.
        a1: rec({ ...executing("alpha", { pr: 2, f: 1, r: 3 }), s: "queued" }),
        a2: rec({ ...executing("alpha", { a: 3 }), s: "queued" }),
        b1: rec({ ...executing("beta"), s: "queued" }),
      },
      zsets: { "ready:alpha": { a1: readyScore(2, T0) } },
      lists: { "queue:alpha": ["a2", "waiting"], "queue:beta": ["b1"], "wake:alpha": ["1"], "wake:beta": ["1"] },
    });
  });

  it("undoes the claim of a job handed back unstarted (claimed ahead, or by a closing pool): attempt count back, no start or pool", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "first", { a: 1 });
    await seedExecuting(s, "alpha", "retry", { a: 3, f: 2, r: 5 });
    const reply = await release(s.runner, [{ id: "first", attempt: 1, type: "alpha", started: false }, { id: "retry", attempt: 3, type: "alpha", started: false }]);
    expect(reply).toEqual(["released", "released"]);
    const { st: _st, w: _w, a: _a, ...unclaimed } = executing("alpha");
    expect(await readState(s)).toEqual({
      jobs: {
        first: rec({ ...unclaimed, s: "queued" }),
        retry: rec({ ...unclaimed, s: "queued", a: 2, f: 2, r: 5 }),
      },
      lists: { "queue:alpha": ["first", "retry"], "wake:alpha": ["1"] },
    });
  });

  it("a job cancelled while held unstarted ends cancelled with its claim undone too", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "held", { a: 1, cx: true });
    const { result, now } = await timed(() => release(s.runner, [{ id: "held", attempt: 1, type: "alpha", started: false }]));
    expect(result).toEqual(["released"]);
    const { st: _st, w: _w, a: _a, ...unclaimed } = executing("alpha");
    expect(await readState(s)).toEqual({
      jobs: { held: rec({ ...unclaimed, s: "cancelled", ft: now }) },
      zsets: { "cancelled:alpha": { held: now } },
    });
  });

  it("puts several released priority-0 attempts back at the head in the order they were handed back", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    for (const id of ["first", "second", "third"]) await seedExecuting(s, "alpha", id);
    const reply = await release(s.runner, ["first", "second", "third"].map((id) => ({ id, attempt: 1, type: "alpha", started: true })));
    expect(reply).toEqual(["released", "released", "released"]);
    expect((await readState(s)).lists).toEqual({ "queue:alpha": ["first", "second", "third", "waiting"], "wake:alpha": ["1"] });
  });

  it("ends an attempt whose cancel was requested as cancelled", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", { cx: true });
    const { result, now } = await timed(() => release(s.runner, [{ id: "j", attempt: 1, type: "alpha", started: true }]));
    expect(result).toEqual(["released"]);
    expect(await readState(s)).toEqual({ jobs: { j: rec({ ...executing("alpha"), s: "cancelled", ft: now }) }, zsets: { "cancelled:alpha": { j: now } } });
  });

  it("reports stale (and changes nothing) for attempts no longer this pool's, and gone for destroyed jobs", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "reclaimed", { a: 2, w: "pool-b" });
    await seedQueued(s, "alpha", "recovered", { a: 1, rc: 1 });
    await seedFinished(s, "alpha", "done");
    await s.redis.hset(s.key("jobs"), "corrupt", "not a record");
    await s.redis.zadd(s.key("executing:alpha"), String(FUTURE), "corrupt");
    const before = await readState(s);
    const reply = await release(s.runner, ["reclaimed", "recovered", "done", "corrupt", "gone"].map((id) => ({ id, attempt: 1, type: "alpha", started: true })));
    expect(reply).toEqual(["stale", "stale", "stale", "stale", "gone"]);
    expect(await readState(s)).toEqual(before);
  });

  it("releases nothing for an empty list, without calling Redis", async () => {
    const s = scope(redis());
    expect(await release(s.runner, [])).toEqual([]);
    expect(await readState(s)).toEqual({});
  });
});
