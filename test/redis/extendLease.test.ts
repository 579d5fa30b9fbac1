import { describe, expect, it } from "vitest";
import { extendLease } from "../../src/redis/scripts/extend-lease.js";
import type { AttemptRef } from "../../src/redis/scripts/attempt-ref.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { FUTURE, T0, readState, rec, scope, seedExecuting, seedFinished, seedPool, seedQueued, timed, within, type Scope } from "./seed.js";

// extendLease.lua: a pool's heartbeat. It renews the leases of the attempts the pool still holds,
// records the pool's own heartbeat, and reports attempts lost to another pool and cancels requested.

const { server } = useRedis();
const redis = useRedisClient(server);

const LEASE = 20_000;
const ref = (id: string, attempt = 1, type = "alpha"): AttemptRef => ({ id, attempt, type });
const executing = (type: string, fields: Record<string, unknown> = {}) => rec({ t: type, s: "executing", at: T0, c: T0, h: `test-${type}`, a: 1, st: T0, w: "pool-a", ...fields });

describe("extendLease.lua", () => {
  it("renews every held lease to now + lease, across types, and records the pool's heartbeat", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "a1", {}, T0);
    await seedExecuting(s, "beta", "b1", { t: "beta", h: "test-beta", a: 4 }, T0 + 5);
    // Held by another pool: not in this heartbeat, so untouched.
    await seedExecuting(s, "alpha", "other", { w: "pool-b" }, T0 + 7);
    await seedPool(s, "pool-b", T0);
    const { result, now, lo, hi } = await timed(() => extendLease(s.runner, "pool-a", LEASE, [ref("a1"), ref("b1", 4, "beta")]));
    expect(result).toEqual({ lost: [], cancelRequested: [] });
    const deadline = within(lo + LEASE, hi + LEASE);
    expect(await readState(s)).toEqual({
      jobs: { a1: executing("alpha"), b1: executing("beta", { a: 4 }), other: executing("alpha", { w: "pool-b" }) },
      zsets: {
        "executing:alpha": { a1: deadline, other: T0 + 7 },
        "executing:beta": { b1: deadline },
        pools: { "pool-a": now, "pool-b": T0 },
      },
    });
  });

  it("a record that names another pool (a job handed over, popped by this one) is made to name this pool", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "a1", { w: "pool-b" }, T0);
    const { lo, hi } = await timed(() => extendLease(s.runner, "pool-a", LEASE, [ref("a1")]));
    const state = await readState(s);
    expect(state.jobs).toEqual({ a1: executing("alpha", { w: "pool-a" }) });
    expect(state.zsets!["executing:alpha"]).toEqual({ a1: within(lo + LEASE, hi + LEASE) });
  });

  it("with no attempts held, only records the heartbeat", async () => {
    const s = scope(redis());
    const { result, now } = await timed(() => extendLease(s.runner, "pool-a", LEASE, []));
    expect(result).toEqual({ lost: [], cancelRequested: [] });
    expect(await readState(s)).toEqual({ zsets: { pools: { "pool-a": now } } });
  });

  it.each([
    { name: "claimed again since (another attempt number)", seed: (s: Scope) => seedExecuting(s, "alpha", "j", { a: 2, w: "pool-b" }, FUTURE) },
    { name: "recovered and queued again", seed: (s: Scope) => seedQueued(s, "alpha", "j", { a: 1, rc: 1 }) },
    { name: "recovered and finished by another pool", seed: (s: Scope) => seedFinished(s, "alpha", "j", "finished", { a: 2 }) },
    { name: "destroyed", seed: async () => undefined },
    { name: "executing by its record but missing from the executing set", seed: async (s: Scope) => {
      await seedExecuting(s, "alpha", "j");
      await s.redis.zrem(s.key("executing:alpha"), "j");
    } },
    { name: "a record that cannot be read", seed: async (s: Scope) => {
      await s.redis.hset(s.key("jobs"), "j", "not a record");
      await s.redis.zadd(s.key("executing:alpha"), String(FUTURE), "j");
    } },
  ])("reports a lease as lost and leaves the job alone: $name", async ({ seed }) => {
    const s = scope(redis());
    await seed(s);
    await seedExecuting(s, "alpha", "kept", {}, T0);
    const before = await readState(s);
    const { result, now, lo, hi } = await timed(() => extendLease(s.runner, "pool-a", LEASE, [ref("j"), ref("kept")]));
    expect(result).toEqual({ lost: ["j"], cancelRequested: [] });
    expect(await readState(s)).toEqual({
      ...before,
      zsets: { ...before.zsets, "executing:alpha": { ...before.zsets!["executing:alpha"], kept: within(lo + LEASE, hi + LEASE) }, pools: { "pool-a": now } },
    });
  });

  it("reports cancels requested while running, and still renews those leases", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "c1", { cx: true }, T0);
    await seedExecuting(s, "alpha", "c2", {}, T0);
    await seedExecuting(s, "beta", "c3", { t: "beta", h: "test-beta", cx: true }, T0);
    const { result, now, lo, hi } = await timed(() => extendLease(s.runner, "pool-a", LEASE, [ref("c1"), ref("c2"), ref("c3", 1, "beta"), ref("gone")]));
    expect(result).toEqual({ lost: ["gone"], cancelRequested: ["c1", "c3"] });
    const d = within(lo + LEASE, hi + LEASE);
    expect(await readState(s)).toEqual({
      jobs: { c1: executing("alpha", { cx: true }), c2: executing("alpha"), c3: executing("beta", { cx: true }) },
      zsets: { "executing:alpha": { c1: d, c2: d }, "executing:beta": { c3: d }, pools: { "pool-a": now } },
    });
  });
});
