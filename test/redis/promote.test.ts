import { describe, expect, it } from "vitest";
import { promote } from "../../src/redis/scripts/promote.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import {
  CORRUPT_RECORDS, FUTURE, PAYLOAD, T0, quarantined, readState, readyScore, rec, scope, seedExecuting, seedQueued, seedRaw,
  seedScheduled, seedWake, timed, within, type Scope,
} from "./seed.js";

// promote.lua: moves the due scheduled jobs of the pool's types into their ready queues (a priority
// job into the ready zset, scored by its own run-at; a priority-0 one to the tail of the queue list),
// earliest first, at most `limit` per type, and wakes an idle pool of each type that got work.

const { server } = useRedis();
const redis = useRedisClient(server);

function run(s: Scope, types: string[] = ["alpha"], limit = 100) {
  return promote(s.runner, { types, limit });
}

/** A scheduled header as seedScheduled writes it, queued still. */
function queued(type: string, fields: Record<string, unknown>) {
  return rec({ t: type, s: "queued", c: T0, h: `test-${type}`, ...fields });
}

describe("promote.lua", () => {
  it("moves due jobs (not future ones) into the ready queues, behind the jobs already there, and wakes the type", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "ready-late", { at: T0 + 5000 });
    await seedQueued(s, "alpha", "ready-high", { at: T0 + 9500, pr: 1 });
    await seedScheduled(s, "alpha", "due-early", { at: T0 + 1000 });
    await seedScheduled(s, "alpha", "due-high", { at: T0 + 9000, pr: 1 });
    await seedScheduled(s, "alpha", "future", { at: FUTURE });
    const { result, lo, hi } = await timed(() => run(s));
    expect(result).toEqual({ more: false, now: within(lo, hi), nextDueAt: FUTURE });
    expect(await readState(s)).toEqual({
      jobs: {
        "ready-late": queued("alpha", { at: T0 + 5000 }),
        "ready-high": queued("alpha", { at: T0 + 9500, pr: 1 }),
        "due-early": queued("alpha", { at: T0 + 1000 }),
        "due-high": queued("alpha", { at: T0 + 9000, pr: 1 }),
        future: queued("alpha", { at: FUTURE }),
      },
      zsets: {
        "scheduled:alpha": { future: FUTURE },
        "ready:alpha": { "ready-high": readyScore(1, T0 + 9500), "due-high": readyScore(1, T0 + 9000) },
      },
      lists: { "queue:alpha": ["ready-late", "due-early"], "wake:alpha": ["1"] },
    });
  });

  it("promotes at most `limit` jobs per type, earliest first, and says there are more", async () => {
    const s = scope(redis());
    // Seeded latest first: the queue lists show the promotion order, which is by run-at.
    for (const n of [3, 2, 1]) await seedScheduled(s, "alpha", `s${n}`, { at: T0 + n });
    for (const n of [2, 1]) await seedScheduled(s, "beta", `b${n}`, { t: "beta", h: "test-beta", at: T0 + n });
    const { result } = await timed(() => run(s, ["alpha", "beta"], 2));
    expect(result.more).toBe(true);
    expect(result.nextDueAt).toBe(T0 + 3);
    const state = await readState(s);
    expect(state.zsets).toEqual({ "scheduled:alpha": { s3: T0 + 3 } });
    expect(state.lists).toEqual({ "queue:alpha": ["s1", "s2"], "queue:beta": ["b1", "b2"], "wake:alpha": ["1"], "wake:beta": ["1"] });
    expect((await run(s, ["alpha", "beta"], 2)).more).toBe(false);
    expect((await readState(s)).lists!["queue:alpha"]).toEqual(["s1", "s2", "s3"]);
  });

  it.each([
    { name: "nothing at all", seed: async () => undefined, want: undefined },
    { name: "only future jobs: the earliest run-at across the types", seed: async (s: Scope) => {
      await seedScheduled(s, "alpha", "later", { at: FUTURE + 5000 });
      await seedScheduled(s, "beta", "sooner", { t: "beta", h: "test-beta", at: FUTURE });
    }, want: FUTURE },
    { name: "queued, executing and other types' jobs do not count", seed: async (s: Scope) => {
      await seedQueued(s, "alpha", "waiting");
      await seedExecuting(s, "beta", "busy", {}, T0);
      await seedScheduled(s, "gamma", "elsewhere", { t: "gamma", h: "test-gamma", at: T0 });
    }, want: undefined },
  ])("with nothing due, changes nothing, wakes nobody, and gives the next due time: $name", async ({ seed, want }) => {
    const s = scope(redis());
    await seed(s);
    const before = await readState(s);
    const { result } = await timed(() => run(s, ["alpha", "beta"]));
    expect(result).toEqual({ more: false, now: expect.any(Number), nextDueAt: want });
    expect(await readState(s)).toEqual(before);
  });

  it("a wake-up already waiting is not doubled; a scheduled entry whose record is gone is dropped", async () => {
    const s = scope(redis());
    await seedWake(s, "alpha");
    await seedScheduled(s, "alpha", "due", { at: T0 });
    await s.redis.zadd(s.key("scheduled:alpha"), String(T0), "ghost");
    await run(s);
    expect(await readState(s)).toEqual({
      jobs: { due: queued("alpha", { at: T0 }) },
      lists: { "queue:alpha": ["due"], "wake:alpha": ["1"] },
    });
  });

  it("a ghost alone wakes nobody: no job was promoted", async () => {
    const s = scope(redis());
    await s.redis.zadd(s.key("scheduled:alpha"), String(T0), "ghost");
    await run(s);
    expect(await readState(s)).toEqual({});
  });

  describe.each(CORRUPT_RECORDS)("a corrupt record ($name)", ({ raw, reason }) => {
    it("falling due is quarantined as failed with its bytes kept, never reaching a ready queue", async () => {
      const s = scope(redis());
      await seedRaw(s, "alpha", "bad", raw, "scheduled", T0);
      const { result, now } = await timed(() => run(s));
      expect(result.more).toBe(false);
      expect(await readState(s)).toEqual({
        jobs: { bad: quarantined("alpha", "bad", raw, reason, now) },
        zsets: { "failed:alpha": { bad: now } },
      });
    });
  });

  it("a record of another type filed in this type's schedule is quarantined, not queued for a pool that did not ask for it", async () => {
    const s = scope(redis());
    const raw = `{"t":"beta","s":"queued","at":${T0}}\n${PAYLOAD}`;
    await seedRaw(s, "alpha", "misfiled", raw, "scheduled", T0);
    const { now } = await timed(() => run(s));
    expect(await readState(s)).toEqual({
      jobs: { misfiled: quarantined("alpha", "misfiled", raw, "the record is of type 'beta' but is filed under 'alpha'", now) },
      zsets: { "failed:alpha": { misfiled: now } },
    });
  });
});
