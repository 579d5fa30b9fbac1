import { describe, expect, it } from "vitest";
import { claim, type ClaimArgs } from "../../src/redis/scripts/claim.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import {
  CORRUPT_RECORDS, FUTURE, PAYLOAD, T0, decodeStored, quarantined, readState, readyScore, rec, scope,
  seedExecuting, seedFinished, seedQueued, seedRaw, seedScheduled, timed, within, type Scope,
} from "./seed.js";

// claim.lua: promotes due scheduled jobs, then leases the best n ready jobs (priority, then run-at,
// then id) across the pool's types to one pool.

const { server } = useRedis();
const redis = useRedisClient(server);

const LEASE = 30_000;

function run(s: Scope, o: Partial<ClaimArgs> = {}) {
  return claim(s.runner, { types: ["alpha"], count: 10, leaseMs: LEASE, poolId: "pool-1", promoteLimit: 100, justWoken: false, ...o });
}

/** A queued header as seedQueued writes it, turned executing by a claim at `now`. */
function claimed(type: string, now: unknown, fields: Record<string, unknown> = {}) {
  return rec({ t: type, s: "executing", at: T0, c: T0, h: `test-${type}`, st: now, w: "pool-1", a: 1, ...fields });
}

describe("claim.lua", () => {
  it("takes ready jobs by priority, then run-at, then id, and leases each to the pool", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "low-early", { pr: -5, at: T0 });
    await seedQueued(s, "alpha", "mid-late", { at: T0 + 2000 });
    await seedQueued(s, "alpha", "mid-early", { at: T0 + 1000 });
    await seedQueued(s, "alpha", "high", { pr: 10, at: T0 + 9000 });
    // Same priority and run-at: the id breaks the tie, the same way Redis orders equal scores.
    await seedQueued(s, "alpha", "tie-b", { at: T0 + 1000 });
    const { result, now, lo, hi } = await timed(() => run(s));
    expect(result.jobs.map((j) => j.id)).toEqual(["high", "mid-early", "tie-b", "mid-late", "low-early"]);
    expect(result.nextDueAt).toBeUndefined();
    expect(result.leaseDeadline).toEqual(within(lo + LEASE, hi + LEASE));
    const deadline = result.leaseDeadline;
    const state = await readState(s);
    expect(state).toEqual({
      jobs: {
        "low-early": claimed("alpha", now, { pr: -5 }),
        "mid-late": claimed("alpha", now, { at: T0 + 2000 }),
        "mid-early": claimed("alpha", now, { at: T0 + 1000 }),
        high: claimed("alpha", now, { pr: 10, at: T0 + 9000 }),
        "tie-b": claimed("alpha", now, { at: T0 + 1000 }),
      },
      zsets: { "executing:alpha": { "low-early": deadline, "mid-late": deadline, "mid-early": deadline, high: deadline, "tie-b": deadline } },
    });
    // Every record in the reply is the record as stored after the claim.
    for (const job of result.jobs) expect(decodeStored(job.raw)).toEqual(state.jobs![job.id]);
  });

  it("counts the attempt on top of earlier ones and clears the previous attempt's finish time", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "again", { a: 2, f: 1, r: 3, st: T0 - 50, ft: T0 - 10, w: "pool-old", e: { name: "Error", message: "boom" } });
    const { now } = await timed(() => run(s));
    expect(await readState(s)).toEqual({
      jobs: { again: claimed("alpha", now, { a: 3, f: 1, r: 3, e: { name: "Error", message: "boom" } }) },
      zsets: { "executing:alpha": { again: expect.any(Number) } },
    });
  });

  it.each([
    { count: 1, taken: ["p3"], left: ["p2", "p1"] },
    { count: 2, taken: ["p3", "p2"], left: ["p1"] },
    { count: 3, taken: ["p3", "p2", "p1"], left: [] },
    { count: 50, taken: ["p3", "p2", "p1"], left: [] },
  ])("takes at most n = $count, the best first, and leaves the rest ready", async ({ count, taken, left }) => {
    const s = scope(redis());
    for (const p of [1, 2, 3]) await seedQueued(s, "alpha", `p${p}`, { pr: p });
    const { result } = await timed(() => run(s, { count }));
    expect(result.jobs.map((j) => j.id)).toEqual(taken);
    const state = await readState(s);
    expect(Object.keys(state.zsets?.["executing:alpha"] ?? {}).sort()).toEqual([...taken].sort());
    expect(state.zsets?.["ready:alpha"]).toEqual(left.length ? Object.fromEntries(left.map((id) => [id, readyScore(Number(id.slice(1)), T0)])) : undefined);
  });

  it("merges the heads of several types into one order and takes the best n of them", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "a-hi", { pr: 5, at: T0 + 3 });
    await seedQueued(s, "alpha", "a-lo", { at: T0 + 1 });
    await seedQueued(s, "beta", "b-hi", { pr: 5, at: T0 + 2 });
    await seedQueued(s, "beta", "b-lo", { at: T0 + 4 });
    await seedQueued(s, "gamma", "g-top", { pr: 9, at: T0 + 9 });
    const { result, now } = await timed(() => run(s, { types: ["alpha", "beta", "gamma"], count: 4 }));
    expect(result.jobs.map((j) => j.id)).toEqual(["g-top", "b-hi", "a-hi", "a-lo"]);
    const d = result.leaseDeadline;
    expect(await readState(s)).toEqual({
      jobs: {
        "a-hi": claimed("alpha", now, { pr: 5, at: T0 + 3 }),
        "a-lo": claimed("alpha", now, { at: T0 + 1 }),
        "b-hi": claimed("beta", now, { pr: 5, at: T0 + 2 }),
        "b-lo": rec({ t: "beta", s: "queued", at: T0 + 4, c: T0, h: "test-beta" }),
        "g-top": claimed("gamma", now, { pr: 9, at: T0 + 9 }),
      },
      zsets: {
        "executing:alpha": { "a-hi": d, "a-lo": d },
        "executing:beta": { "b-hi": d },
        "executing:gamma": { "g-top": d },
        "ready:beta": { "b-lo": readyScore(0, T0 + 4) },
      },
    });
  });

  it("with several types, equal scores in different types are taken in id order", async () => {
    const s = scope(redis());
    await seedQueued(s, "beta", "x1");
    await seedQueued(s, "alpha", "x2");
    await seedQueued(s, "beta", "x3");
    const { result } = await timed(() => run(s, { types: ["alpha", "beta"], count: 3 }));
    expect(result.jobs.map((j) => j.id)).toEqual(["x1", "x2", "x3"]);
  });

  it("promotes due scheduled jobs (and not future ones) before choosing, ordered by their own run-at", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "ready-late", { at: T0 + 5000 });
    await seedScheduled(s, "alpha", "due-early", { at: T0 + 1000 });
    await seedScheduled(s, "alpha", "due-high", { at: T0 + 9000, pr: 1 });
    await seedScheduled(s, "alpha", "future", { at: FUTURE });
    const { result, now } = await timed(() => run(s, { count: 2 }));
    expect(result.jobs.map((j) => j.id)).toEqual(["due-high", "due-early"]);
    const d = result.leaseDeadline;
    expect(await readState(s)).toEqual({
      jobs: {
        "ready-late": rec({ t: "alpha", s: "queued", at: T0 + 5000, c: T0, h: "test-alpha" }),
        "due-early": claimed("alpha", now, { at: T0 + 1000 }),
        "due-high": claimed("alpha", now, { at: T0 + 9000, pr: 1 }),
        future: rec({ t: "alpha", s: "queued", at: FUTURE, c: T0, h: "test-alpha" }),
      },
      zsets: {
        "ready:alpha": { "ready-late": readyScore(0, T0 + 5000) },
        "scheduled:alpha": { future: FUTURE },
        "executing:alpha": { "due-early": d, "due-high": d },
      },
    });
  });

  it("promotes at most promoteLimit scheduled jobs per type per call, earliest first", async () => {
    const s = scope(redis());
    for (const n of [1, 2, 3]) await seedScheduled(s, "alpha", `s${n}`, { at: T0 + n });
    for (const n of [1, 2]) await seedScheduled(s, "beta", `b${n}`, { at: T0 + n });
    const { result } = await timed(() => run(s, { types: ["alpha", "beta"], count: 0, promoteLimit: 2 }));
    expect(result.jobs).toEqual([]);
    expect((await readState(s)).zsets).toEqual({
      "ready:alpha": { s1: readyScore(0, T0 + 1), s2: readyScore(0, T0 + 2) },
      "scheduled:alpha": { s3: T0 + 3 },
      "ready:beta": { b1: readyScore(0, T0 + 1), b2: readyScore(0, T0 + 2) },
    });
  });

  it.each([
    { name: "no jobs at all", seed: async () => undefined, want: undefined },
    { name: "only future jobs: the earliest run-at across the types", seed: async (s: Scope) => {
      await seedScheduled(s, "alpha", "later", { at: FUTURE + 5000 });
      await seedScheduled(s, "beta", "sooner", { at: FUTURE });
    }, want: FUTURE },
    { name: "executing and finished jobs do not count", seed: async (s: Scope) => {
      await seedExecuting(s, "alpha", "busy", {}, T0);
      await seedFinished(s, "beta", "done");
    }, want: undefined },
  ])("when nothing is claimed, replies with the next due time: $name", async ({ seed, want }) => {
    const s = scope(redis());
    await seed(s);
    const before = await readState(s);
    const { result } = await timed(() => run(s, { types: ["alpha", "beta"] }));
    expect(result.jobs).toEqual([]);
    expect(result.nextDueAt).toBe(want);
    expect(await readState(s)).toEqual(before);
  });

  it("gives no next due time when it claimed something, even with future jobs waiting", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "now");
    await seedScheduled(s, "alpha", "later");
    const { result } = await timed(() => run(s));
    expect(result.jobs.map((j) => j.id)).toEqual(["now"]);
    expect(result.nextDueAt).toBeUndefined();
  });

  it.each([
    { name: "just woken, full batch, work left: passes the wake-up on for each type with work", justWoken: true, count: 1, wake: { "wake:alpha": ["1"], "wake:beta": ["1"] } },
    { name: "not just woken: no wake-up", justWoken: false, count: 1, wake: undefined },
    { name: "just woken but the batch was not full: nothing left to pass on", justWoken: true, count: 10, wake: undefined },
  ])("$name", async ({ justWoken, count, wake }) => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "a1", { pr: 1 });
    await seedQueued(s, "alpha", "a2");
    await seedQueued(s, "beta", "b1");
    await seedQueued(s, "gamma", "g-not-claimed-here");
    await run(s, { types: ["alpha", "beta"], count, justWoken });
    expect((await readState(s)).lists).toEqual(wake);
  });

  it("drops a ready entry whose record was destroyed, and claims the next", async () => {
    const s = scope(redis());
    await s.redis.zadd(s.key("ready:alpha"), String(readyScore(5, T0)), "ghost");
    await seedQueued(s, "alpha", "real");
    const { result, now } = await timed(() => run(s));
    expect(result.jobs.map((j) => j.id)).toEqual(["real"]);
    expect(await readState(s)).toEqual({
      jobs: { real: claimed("alpha", now) },
      zsets: { "executing:alpha": { real: result.leaseDeadline } },
    });
  });

  describe.each(CORRUPT_RECORDS)("a corrupt record ($name)", ({ raw, reason }) => {
    it("in the ready queue is quarantined as failed with its bytes kept, and the good jobs are claimed", async () => {
      const s = scope(redis());
      await seedRaw(s, "alpha", "bad", raw, "ready", readyScore(9, T0));
      await seedQueued(s, "alpha", "good");
      const { result, now } = await timed(() => run(s));
      expect(result.jobs.map((j) => j.id)).toEqual(["good"]);
      expect(await readState(s)).toEqual({
        jobs: { bad: quarantined("alpha", "bad", raw, reason, now), good: claimed("alpha", now) },
        zsets: { "executing:alpha": { good: result.leaseDeadline }, "failed:alpha": { bad: now } },
      });
    });

    it("being promoted from the schedule is quarantined, never reaching the ready queue", async () => {
      const s = scope(redis());
      await seedRaw(s, "alpha", "bad", raw, "scheduled", T0);
      const { result, now } = await timed(() => run(s));
      expect(result.jobs).toEqual([]);
      expect(await readState(s)).toEqual({
        jobs: { bad: quarantined("alpha", "bad", raw, reason, now) },
        zsets: { "failed:alpha": { bad: now } },
      });
      // The payload kept is the original record, byte for byte.
      const stored = (await readState(s)).jobs!.bad as { payload: string };
      expect(JSON.parse(stored.payload)).toBe(raw);
    });
  });

  it.each([
    { path: "ready", kind: "ready" as const },
    { path: "promotion", kind: "scheduled" as const },
  ])("a record of another type filed in this type's $kind set is quarantined, not handed to a pool that did not ask for it", async ({ kind }) => {
    const s = scope(redis());
    const raw = `{"t":"beta","s":"queued","at":${T0}}\n${PAYLOAD}`;
    await seedRaw(s, "alpha", "misfiled", raw, kind, kind === "ready" ? readyScore(0, T0) : T0);
    const { result, now } = await timed(() => run(s));
    expect(result.jobs).toEqual([]);
    expect(await readState(s)).toEqual({
      jobs: { misfiled: quarantined("alpha", "misfiled", raw, "the record is of type 'beta' but is filed under 'alpha'", now) },
      zsets: { "failed:alpha": { misfiled: now } },
    });
  });

  it("a record with a big payload passes through the claim untouched", async () => {
    const s = scope(redis());
    const payload = JSON.stringify({ text: "x".repeat(100_000), nested: { list: [1, 2.5, "é", null] } });
    await seedQueued(s, "alpha", "big", {}, payload);
    const { result } = await timed(() => run(s));
    expect(result.jobs[0]!.raw.endsWith(`\n${payload}`)).toBe(true);
    expect(((await readState(s)).jobs!.big as { payload: string }).payload).toBe(payload);
    expect(PAYLOAD).toBe('{"n":1}');
  });
});
