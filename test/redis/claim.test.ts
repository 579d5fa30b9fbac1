import { describe, expect, it } from "vitest";
import { claim, type ClaimArgs } from "../../src/redis/scripts/claim.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import {
  CORRUPT_RECORDS, FUTURE, PAYLOAD, T0, decodeStored, quarantined, readState, readyScore, rec, scope,
  seedExecuting, seedFinished, seedQueued, seedRaw, seedScheduled, timed, within, type Scope,
} from "./seed.js";

// claim.lua: leases the best n due jobs across the pool's types to one pool (scheduled jobs become
// due through promote.lua): priorities above 0 (ready zset: priority, then run-at, then id), then priority 0 (the
// queue list, in list order), then negative priorities (ready zset).

const { server } = useRedis();
const redis = useRedisClient(server);

const LEASE = 30_000;

function run(s: Scope, o: Partial<ClaimArgs> = {}) {
  return claim(s.runner, { types: ["alpha"], count: 10, leaseMs: LEASE, poolId: "pool-1", justWoken: false, withdraw: false, idleWaitMs: 0, ...o });
}

/** A queued header as seedQueued writes it, turned executing by a claim at `now`. */
function claimed(type: string, now: unknown, fields: Record<string, unknown> = {}) {
  return rec({ t: type, s: "executing", at: T0, c: T0, h: `test-${type}`, st: now, w: "pool-1", a: 1, ...fields });
}

describe("claim.lua", () => {
  it("takes priorities above 0 first (by priority, then run-at), then the queue list in FIFO order (not by run-at or id), then negative priorities, and leases each to the pool", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "low-early", { pr: -5, at: T0 });
    await seedQueued(s, "alpha", "mid-late", { at: T0 + 2000 });
    await seedQueued(s, "alpha", "mid-early", { at: T0 + 1000 });
    await seedQueued(s, "alpha", "high", { pr: 10, at: T0 + 9000 });
    // Same priority and run-at: the earlier run-at goes first among priority jobs.
    await seedQueued(s, "alpha", "high-early", { pr: 10, at: T0 + 8000 });
    // Same priority 0 and run-at as mid-early: the list keeps arrival order, whatever the ids.
    await seedQueued(s, "alpha", "tie-b", { at: T0 + 1000 });
    await seedQueued(s, "alpha", "tie-a", { at: T0 + 1000 });
    const seeded = await readState(s);
    expect(seeded.lists).toEqual({ "queue:alpha": ["mid-late", "mid-early", "tie-b", "tie-a"] });
    expect(seeded.zsets).toEqual({ "ready:alpha": { "low-early": readyScore(-5, T0), high: readyScore(10, T0 + 9000), "high-early": readyScore(10, T0 + 8000) } });
    const { result, now, lo, hi } = await timed(() => run(s));
    expect(result.jobs.map((j) => j.id)).toEqual(["high-early", "high", "mid-late", "mid-early", "tie-b", "tie-a", "low-early"]);
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
        "high-early": claimed("alpha", now, { pr: 10, at: T0 + 8000 }),
        "tie-b": claimed("alpha", now, { at: T0 + 1000 }),
        "tie-a": claimed("alpha", now, { at: T0 + 1000 }),
      },
      zsets: {
        "executing:alpha": {
          "low-early": deadline, "mid-late": deadline, "mid-early": deadline, high: deadline, "high-early": deadline, "tie-b": deadline, "tie-a": deadline,
        },
      },
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

  it.each([
    { count: 1, taken: ["p1"], queue: ["q1", "q2", "q3"], ready: { n1: readyScore(-1, T0) } },
    { count: 3, taken: ["p1", "q1", "q2"], queue: ["q3"], ready: { n1: readyScore(-1, T0) } },
    { count: 4, taken: ["p1", "q1", "q2", "q3"], queue: undefined, ready: { n1: readyScore(-1, T0) } },
    { count: 50, taken: ["p1", "q1", "q2", "q3", "n1"], queue: undefined, ready: undefined },
  ])("takes at most n = $count across the bands, leaving the rest of the queue list in order", async ({ count, taken, queue, ready }) => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "n1", { pr: -1 });
    for (const id of ["q1", "q2", "q3"]) await seedQueued(s, "alpha", id);
    await seedQueued(s, "alpha", "p1", { pr: 1 });
    const { result, now } = await timed(() => run(s, { count }));
    expect(result.jobs.map((j) => j.id)).toEqual(taken);
    const fields: Record<string, Record<string, unknown>> = { p1: { pr: 1 }, n1: { pr: -1 }, q1: {}, q2: {}, q3: {} };
    expect(await readState(s)).toEqual({
      jobs: Object.fromEntries(Object.entries(fields).map(([id, f]) => [id, taken.includes(id) ? claimed("alpha", now, f) : rec({ t: "alpha", s: "queued", at: T0, c: T0, h: "test-alpha", ...f })])),
      zsets: { "executing:alpha": Object.fromEntries(taken.map((id) => [id, result.leaseDeadline])), ...(ready ? { "ready:alpha": ready } : {}) },
      ...(queue ? { lists: { "queue:alpha": queue } } : {}),
    });
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
      },
      lists: { "queue:beta": ["b-lo"] },
    });
  });

  it("with several types, merges the queue lists by run-at, taking each list only as a prefix, and negative priorities after them", async () => {
    const s = scope(redis());
    // a2 is due earliest of all, but it waits behind a1 in its list: it ranks no earlier than a1.
    await seedQueued(s, "alpha", "a1", { at: T0 + 10 });
    await seedQueued(s, "alpha", "a2", { at: T0 + 1 });
    await seedQueued(s, "alpha", "a3", { at: T0 + 30 });
    await seedQueued(s, "beta", "b1", { at: T0 + 5 });
    await seedQueued(s, "beta", "b2", { at: T0 + 20 });
    await seedQueued(s, "beta", "b3", { at: T0 + 40 });
    // Due before every queued job, but of a negative priority: after all of them.
    await seedQueued(s, "gamma", "g-neg", { pr: -1, at: T0 });
    const types = ["alpha", "beta", "gamma"];
    const queued = (type: string, at: number, fields: Record<string, unknown> = {}) => rec({ t: type, s: "queued", at, c: T0, h: `test-${type}`, ...fields });

    const first = await timed(() => run(s, { types, count: 4 }));
    expect(first.result.jobs.map((j) => j.id)).toEqual(["b1", "a1", "a2", "b2"]);
    const d1 = first.result.leaseDeadline;
    expect(await readState(s)).toEqual({
      jobs: {
        a1: claimed("alpha", first.now, { at: T0 + 10 }),
        a2: claimed("alpha", first.now, { at: T0 + 1 }),
        a3: queued("alpha", T0 + 30),
        b1: claimed("beta", first.now, { at: T0 + 5 }),
        b2: claimed("beta", first.now, { at: T0 + 20 }),
        b3: queued("beta", T0 + 40),
        "g-neg": queued("gamma", T0, { pr: -1 }),
      },
      zsets: {
        "executing:alpha": { a1: d1, a2: d1 },
        "executing:beta": { b1: d1, b2: d1 },
        "ready:gamma": { "g-neg": readyScore(-1, T0) },
      },
      lists: { "queue:alpha": ["a3"], "queue:beta": ["b3"] },
    });

    const second = await timed(() => run(s, { types, count: 10 }));
    expect(second.result.jobs.map((j) => j.id)).toEqual(["a3", "b3", "g-neg"]);
    const d2 = second.result.leaseDeadline;
    expect(await readState(s)).toEqual({
      jobs: {
        a1: claimed("alpha", first.now, { at: T0 + 10 }),
        a2: claimed("alpha", first.now, { at: T0 + 1 }),
        a3: claimed("alpha", second.now, { at: T0 + 30 }),
        b1: claimed("beta", first.now, { at: T0 + 5 }),
        b2: claimed("beta", first.now, { at: T0 + 20 }),
        b3: claimed("beta", second.now, { at: T0 + 40 }),
        "g-neg": claimed("gamma", second.now, { pr: -1 }),
      },
      zsets: {
        "executing:alpha": { a1: d1, a2: d1, a3: d2 },
        "executing:beta": { b1: d1, b2: d1, b3: d2 },
        "executing:gamma": { "g-neg": d2 },
      },
    });
  });

  it.each([
    { types: ["alpha", "beta"], taken: ["x2", "x1", "x3"] },
    { types: ["beta", "alpha"], taken: ["x1", "x3", "x2"] },
  ])("with several types, queued jobs due at the same time are taken in the pool's type order ($types), then list order", async ({ types, taken }) => {
    const s = scope(redis());
    await seedQueued(s, "beta", "x1");
    await seedQueued(s, "alpha", "x2");
    await seedQueued(s, "beta", "x3");
    const { result, now } = await timed(() => run(s, { types, count: 3 }));
    expect(result.jobs.map((j) => j.id)).toEqual(taken);
    const d = result.leaseDeadline;
    expect(await readState(s)).toEqual({
      jobs: { x1: claimed("beta", now), x2: claimed("alpha", now), x3: claimed("beta", now) },
      zsets: { "executing:alpha": { x2: d }, "executing:beta": { x1: d, x3: d } },
    });
  });

  it.each([
    { types: ["alpha", "beta"] },
    { types: ["beta", "alpha"] },
  ])("with several types, priority jobs of equal score in different types are taken in id order ($types)", async ({ types }) => {
    const s = scope(redis());
    await seedQueued(s, "beta", "x1", { pr: 2 });
    await seedQueued(s, "alpha", "x2", { pr: 2 });
    await seedQueued(s, "beta", "x3", { pr: 2 });
    const { result, now } = await timed(() => run(s, { types, count: 3 }));
    expect(result.jobs.map((j) => j.id)).toEqual(["x1", "x2", "x3"]);
    const d = result.leaseDeadline;
    expect(await readState(s)).toEqual({
      jobs: { x1: claimed("beta", now, { pr: 2 }), x2: claimed("alpha", now, { pr: 2 }), x3: claimed("beta", now, { pr: 2 }) },
      zsets: { "executing:alpha": { x2: d }, "executing:beta": { x1: d, x3: d } },
    });
  });

  it("claims nothing when asked for no jobs, of one type or several, whatever is waiting", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "urgent", { pr: 5 });
    await seedQueued(s, "alpha", "plain");
    await seedQueued(s, "beta", "other", { t: "beta", h: "test-beta", pr: -1 });
    const before = await readState(s);
    for (const types of [["alpha"], ["alpha", "beta"]]) {
      const { result } = await timed(() => run(s, { types, count: 0 }));
      expect(result.jobs).toEqual([]);
      expect(await readState(s)).toEqual(before);
    }
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
    expect(result.drained).toBe(true);
    expect(result.nextDueAt).toBe(want);
    expect(await readState(s)).toEqual(before);
  });

  it("a full batch is not drained, and gives the next due time too", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "now");
    await seedQueued(s, "alpha", "next");
    await seedScheduled(s, "alpha", "later");
    const { result } = await timed(() => run(s, { count: 1 }));
    expect(result.jobs.map((j) => j.id)).toEqual(["now"]);
    expect(result.drained).toBe(false);
    expect(result.nextDueAt).toBe(FUTURE);
  });

  it("a batch cut short by empty queues is drained and gives the next due time", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "now");
    await seedScheduled(s, "alpha", "later");
    const { result } = await timed(() => run(s, { count: 10 }));
    expect(result.jobs.map((j) => j.id)).toEqual(["now"]);
    expect(result.drained).toBe(true);
    expect(result.nextDueAt).toBe(FUTURE);
  });

  it("leaves scheduled jobs to promote.lua, even those due: the queues are drained, and their run-at is the next due time", async () => {
    const s = scope(redis());
    await seedScheduled(s, "alpha", "due", { at: T0 });
    const before = await readState(s);
    const { result } = await timed(() => run(s, { count: 10 }));
    expect(result.jobs).toEqual([]);
    expect(result.drained).toBe(true);
    expect(result.nextDueAt).toBe(T0);
    expect(await readState(s)).toEqual(before);
  });

  it.each([
    // alpha's work left is in its queue list, beta's in its ready zset.
    { name: "just woken, full batch, work left: passes the wake-up on for each type with work", justWoken: true, count: 1, lists: { "queue:alpha": ["a2"], "queue:gamma": ["g-not-claimed-here"], "wake:alpha": ["1"], "wake:beta": ["1"] } },
    { name: "not just woken: no wake-up", justWoken: false, count: 1, lists: { "queue:alpha": ["a2"], "queue:gamma": ["g-not-claimed-here"] } },
    { name: "just woken but the batch was not full: nothing left to pass on", justWoken: true, count: 10, lists: { "queue:gamma": ["g-not-claimed-here"] } },
  ])("$name", async ({ justWoken, count, lists }) => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "a1", { pr: 1 });
    await seedQueued(s, "alpha", "a2");
    await seedQueued(s, "beta", "b1", { pr: -1 });
    await seedQueued(s, "gamma", "g-not-claimed-here");
    await run(s, { types: ["alpha", "beta"], count, justWoken });
    expect((await readState(s)).lists).toEqual(lists);
  });

  it.each([
    { where: "ready zset", types: ["alpha"] },
    { where: "queue list", types: ["alpha"] },
    { where: "queue list", types: ["alpha", "beta"] },
  ])("drops a $where entry whose record was destroyed, and claims the next (types $types)", async ({ where, types }) => {
    const s = scope(redis());
    if (where === "ready zset") await s.redis.zadd(s.key("ready:alpha"), String(readyScore(5, T0)), "ghost");
    else await s.redis.rpush(s.key("queue:alpha"), "ghost");
    await seedQueued(s, "alpha", "real");
    const { result, now } = await timed(() => run(s, { types }));
    expect(result.jobs.map((j) => j.id)).toEqual(["real"]);
    expect(await readState(s)).toEqual({
      jobs: { real: claimed("alpha", now) },
      zsets: { "executing:alpha": { real: result.leaseDeadline } },
    });
  });

  describe.each(CORRUPT_RECORDS)("a corrupt record ($name)", ({ raw, reason }) => {
    it.each([
      { where: "ready zset", types: ["alpha"] },
      { where: "queue list", types: ["alpha"] },
      { where: "queue list", types: ["alpha", "beta"] },
    ])("in the $where is quarantined as failed with its bytes kept, and the good jobs are claimed (types $types)", async ({ where, types }) => {
      const s = scope(redis());
      if (where === "ready zset") await seedRaw(s, "alpha", "bad", raw, "ready", readyScore(9, T0));
      else await s.redis.multi().hset(s.key("jobs"), "bad", raw).rpush(s.key("queue:alpha"), "bad").exec();
      await seedQueued(s, "alpha", "good");
      const { result, now } = await timed(() => run(s, { types }));
      expect(result.jobs.map((j) => j.id)).toEqual(["good"]);
      expect(await readState(s)).toEqual({
        jobs: { bad: quarantined("alpha", "bad", raw, reason, now), good: claimed("alpha", now) },
        zsets: { "executing:alpha": { good: result.leaseDeadline }, "failed:alpha": { bad: now } },
      });
    });

  });

  it.each([
    { kind: "ready" as const },
    { kind: "queue" as const },
  ])("a record of another type filed in this type's $kind key is quarantined, not handed to a pool that did not ask for it", async ({ kind }) => {
    const s = scope(redis());
    // A priority job waits in the ready zset, a priority-0 one in the queue list.
    const raw = kind === "ready" ? `{"t":"beta","s":"queued","at":${T0},"pr":3}\n${PAYLOAD}` : `{"t":"beta","s":"queued","at":${T0}}\n${PAYLOAD}`;
    if (kind === "queue") await s.redis.multi().hset(s.key("jobs"), "misfiled", raw).rpush(s.key("queue:alpha"), "misfiled").exec();
    else await seedRaw(s, "alpha", "misfiled", raw, kind, kind === "ready" ? readyScore(3, T0) : T0);
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
