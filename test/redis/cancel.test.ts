import { describe, expect, it } from "vitest";
import { cancel } from "../../src/redis/scripts/job-commands.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { FUTURE, T0, readState, rec, scope, seedExecuting, seedFinished, seedQueued, seedScheduled, timed, type Scope } from "./seed.js";

// cancel.lua: a queued job is cancelled at once; an executing one is marked and ends cancelled when
// its attempt settles; a job that already ended, is missing, or is of another type is left alone.

const { server } = useRedis();
const redis = useRedisClient(server);

const queued = (fields: Record<string, unknown> = {}) => ({ t: "alpha", s: "queued", at: T0, c: T0, h: "test-alpha", ...fields });

describe("cancel.lua", () => {
  // A queued job is in exactly one of three places: the ready zset (due, with a priority), the queue
  // list (due, priority 0) or the schedule. Two other priority-0 jobs wait around it in the list.
  it.each([
    { name: "ready zset, with a priority", seed: (s: Scope) => seedQueued(s, "alpha", "j", { pr: 1 }), at: T0, pr: 1 },
    { name: "queue list, priority 0", seed: (s: Scope) => seedQueued(s, "alpha", "j"), at: T0, pr: undefined },
    { name: "schedule", seed: (s: Scope) => seedScheduled(s, "alpha", "j"), at: FUTURE, pr: undefined },
  ])("a queued job ($name) is cancelled at once and leaves its queue; the others keep their order", async ({ seed, at, pr }) => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "o1");
    await seed(s);
    await seedQueued(s, "alpha", "o2");
    const { result, now } = await timed(() => cancel(s.runner, "alpha", "j"));
    expect(result).toEqual({ code: "cancelled", detail: "cancelled" });
    const state = await readState(s);
    expect(state).toEqual({
      jobs: { j: rec(queued({ at, s: "cancelled", ft: now, ...(pr ? { pr } : {}) })), o1: rec(queued()), o2: rec(queued()) },
      zsets: { "cancelled:alpha": { j: now } },
      lists: { "queue:alpha": ["o1", "o2"] },
    });
  });

  it("an executing job is marked cancel-requested and keeps running under its lease", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", {}, FUTURE);
    expect(await cancel(s.runner, "alpha", "j")).toEqual({ code: "requested", detail: "executing" });
    const want = { jobs: { j: rec({ ...queued(), s: "executing", a: 1, st: T0, w: "pool-a", cx: true }) }, zsets: { "executing:alpha": { j: FUTURE } } };
    expect(await readState(s)).toEqual(want);
    // Asking again is harmless.
    expect(await cancel(s.runner, "alpha", "j")).toEqual({ code: "requested", detail: "executing" });
    expect(await readState(s)).toEqual(want);
  });

  it.each(["finished", "failed", "cancelled", "rejected"] as const)("a %s job is left unchanged", async (status) => {
    const s = scope(redis());
    await seedFinished(s, "alpha", "j", status);
    const before = await readState(s);
    expect(await cancel(s.runner, "alpha", "j")).toEqual({ code: "unchanged", detail: status });
    expect(await readState(s)).toEqual(before);
  });

  it("a missing job is reported missing", async () => {
    const s = scope(redis());
    expect(await cancel(s.runner, "alpha", "nope")).toEqual({ code: "missing", detail: "" });
    expect(await readState(s)).toEqual({});
  });

  it("a job of another type is reported with its real type, untouched, so the caller can retry with the right keys", async () => {
    const s = scope(redis());
    await seedQueued(s, "beta", "j", { t: "beta", h: "test-beta" });
    const before = await readState(s);
    expect(await cancel(s.runner, "alpha", "j")).toEqual({ code: "other-type", detail: "beta" });
    expect(await readState(s)).toEqual(before);
    expect(await cancel(s.runner, "beta", "j")).toEqual({ code: "cancelled", detail: "cancelled" });
  });

  it("a record that cannot be read is left as it is", async () => {
    const s = scope(redis());
    await s.redis.hset(s.key("jobs"), "j", "garbage");
    await s.redis.zadd(s.key("ready:alpha"), "1", "j");
    const before = await readState(s);
    expect(await cancel(s.runner, "alpha", "j")).toEqual({ code: "unchanged", detail: "corrupt" });
    expect(await readState(s)).toEqual(before);
  });
});
