import { describe, expect, it } from "vitest";
import { schedule, type ScheduleEntry } from "../../src/redis/scripts/schedule.js";
import { encodeRecordTail } from "../../src/redis/record.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { FUTURE, PAYLOAD, T0, expectRunAtInEveryMillisecondWidth, readState, readyScore, rec, scope, seedExecuting, seedQueued, seedScheduled, seedWake, timed, within, type Scope } from "./seed.js";

// schedule.lua: a batch of new jobs, each written once (the id is the idempotency key), queued in
// ready when due (priority 0: the tail of the queue list; a priority: the ready zset) and in the
// schedule otherwise, with at most one wake token per type.

const { server } = useRedis();
const redis = useRedisClient(server);

function entry(type: string, id: string, o: { runAt?: number; delayMs?: number; priority?: number } = {}): ScheduleEntry {
  const header = { t: type, h: `test-${type}`, ...(o.priority ? { pr: o.priority } : {}) };
  return { id, type, runAt: o.runAt, delayMs: o.delayMs ?? 0, priority: o.priority ?? 0, header, recordTail: encodeRecordTail(header, PAYLOAD) };
}

/** A job scheduled to run at once was created at its run-at; pass `c` for one that runs later. */
const queued = (type: string, at: unknown, extra: Record<string, unknown> = {}) => rec({ at, t: type, s: "queued", c: at, h: `test-${type}`, ...extra });

describe("schedule.lua", () => {
  it("a due job with a priority goes to the ready zset with its priority-then-run-at score, registers its type and leaves one wake token", async () => {
    const s = scope(redis());
    const { result: reply, lo, hi } = await timed(() => schedule(s.runner, [entry("alpha", "j1", { runAt: T0, priority: 7 })]));
    // The reply carries the Redis time the record's creation time was taken from.
    expect(reply).toEqual([{ id: "j1", created: true, nowMs: within(lo, hi) }]);
    expect(await readState(s)).toEqual({
      jobs: { j1: queued("alpha", T0, { pr: 7, c: reply[0]!.nowMs }) },
      zsets: { "ready:alpha": { j1: readyScore(7, T0) } },
      lists: { "wake:alpha": ["1"] },
      sets: { types: ["alpha"] },
    });
  });

  it("run-at comes from Redis's clock when only a delay is given: 0 is due now (queue list), later goes to the schedule", async () => {
    const s = scope(redis());
    const { lo, hi } = await timed(() => schedule(s.runner, [entry("alpha", "now"), entry("alpha", "later", { delayMs: 60_000 })]));
    expect(await readState(s)).toEqual({
      jobs: { now: queued("alpha", within(lo, hi)), later: queued("alpha", within(lo + 60_000, hi + 60_000), { c: within(lo, hi) }) },
      zsets: { "scheduled:alpha": { later: within(lo + 60_000, hi + 60_000) } },
      lists: { "queue:alpha": ["now"], "wake:alpha": ["1"] },
      sets: { types: ["alpha"] },
    });
    // The stored run-at is the scheduled score, to the millisecond.
    const state = await readState(s);
    const later = state.jobs!.later as unknown as { header: { at: number } };
    expect(state.zsets!["scheduled:alpha"]!.later).toBe(later.header.at);
  });

  it("a job due now, scheduled alone, takes Redis's clock to the millisecond as its run-at, in any millisecond of a second", async () => {
    const s = scope(redis());
    await expectRunAtInEveryMillisecondWidth(s, "alpha", (id) => schedule(s.runner, [entry("alpha", id)]));
  });

  it("one job alone with a timing argument: a delay goes to the schedule, a past run-at to the queue list, a priority to the ready zset", async () => {
    // scheduleOne.lua is sent the run-at, delay and priority only when one of them is not the default.
    const s = scope(redis());
    const delayed = await timed(() => schedule(s.runner, [entry("alpha", "delayed", { delayMs: 60_000 })]));
    await schedule(s.runner, [entry("alpha", "past", { runAt: T0 })]);
    const urgent = await timed(() => schedule(s.runner, [entry("alpha", "urgent", { priority: 5 })]));
    const at = within(delayed.lo + 60_000, delayed.hi + 60_000);
    expect(await readState(s)).toEqual({
      jobs: {
        delayed: queued("alpha", at, { c: delayed.now }),
        past: queued("alpha", T0, { c: expect.any(Number) }),
        urgent: queued("alpha", urgent.now, { pr: 5 }),
      },
      zsets: { "scheduled:alpha": { delayed: at }, "ready:alpha": { urgent: expect.any(Number) } },
      lists: { "queue:alpha": ["past"], "wake:alpha": ["1"] },
      sets: { types: ["alpha"] },
    });
  });

  it("a batch of several types writes every job in one call, each in its own type's sets", async () => {
    const s = scope(redis());
    const { result: reply, lo, hi } = await timed(() => schedule(s.runner, [entry("alpha", "a1", { runAt: T0 }), entry("beta", "b1", { runAt: T0 + 5, priority: -3 }), entry("alpha", "a2", { runAt: FUTURE })]));
    expect(reply).toMatchObject([{ id: "a1", created: true }, { id: "b1", created: true }, { id: "a2", created: true }]);
    const c = within(lo, hi);
    expect(await readState(s)).toEqual({
      jobs: { a1: queued("alpha", T0, { c }), b1: queued("beta", T0 + 5, { pr: -3, c }), a2: queued("alpha", FUTURE, { c }) },
      zsets: {
        "ready:beta": { b1: readyScore(-3, T0 + 5) },
        "scheduled:alpha": { a2: FUTURE },
      },
      lists: { "queue:alpha": ["a1"], "wake:alpha": ["1"], "wake:beta": ["1"] },
      sets: { types: ["alpha", "beta"] },
    });
  });

  it("due priority-0 jobs go to the tail of the queue list in call order, behind those already waiting; the others by score", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    const { lo, hi } = await timed(() => schedule(s.runner, [
      entry("alpha", "x", { runAt: T0 + 9 }),
      entry("alpha", "hi", { runAt: T0 + 9, priority: 5 }),
      entry("alpha", "y", { runAt: T0 + 1 }),
      entry("alpha", "z"),
    ]));
    const c = within(lo, hi);
    expect(await readState(s)).toEqual({
      jobs: {
        waiting: queued("alpha", T0),
        x: queued("alpha", T0 + 9, { c }),
        hi: queued("alpha", T0 + 9, { pr: 5, c }),
        y: queued("alpha", T0 + 1, { c }),
        z: queued("alpha", within(lo, hi)),
      },
      zsets: { "ready:alpha": { hi: readyScore(5, T0 + 9) } },
      // Oldest first is the order of arrival: y, earlier run-at, does not pass x.
      lists: { "queue:alpha": ["waiting", "x", "y", "z"], "wake:alpha": ["1"] },
      sets: { types: ["alpha"] },
    });
  });

  it("an existing id is not written again, whatever its status: the reply says so and nothing changes", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "taken", { pr: 3 });
    const before = await readState(s);
    const reply = await schedule(s.runner, [entry("alpha", "taken", { runAt: T0 }), entry("beta", "taken", { runAt: FUTURE })]);
    expect(reply).toMatchObject([{ id: "taken", created: false }, { id: "taken", created: false }]);
    expect(await readState(s)).toEqual(before);
  });

  it("the same id twice in one batch creates the first and skips the second", async () => {
    const s = scope(redis());
    const { result: reply, lo, hi } = await timed(() => schedule(s.runner, [entry("alpha", "dup", { runAt: T0 }), entry("alpha", "dup", { runAt: FUTURE, priority: 9 })]));
    expect(reply).toMatchObject([{ id: "dup", created: true }, { id: "dup", created: false }]);
    expect(await readState(s)).toEqual({
      jobs: { dup: queued("alpha", T0, { c: within(lo, hi) }) },
      lists: { "queue:alpha": ["dup"], "wake:alpha": ["1"] },
      sets: { types: ["alpha"] },
    });
  });

  it("a single due job registers its type when it finds the queue empty, and only then (the push that filled the queue registered it); a batch registers its types", async () => {
    const s = scope(redis());
    await schedule(s.runner, [entry("alpha", "first")]);
    await s.redis.del(s.key("types"));
    await schedule(s.runner, [entry("alpha", "second")]);
    expect((await readState(s)).sets).toBeUndefined();
    await schedule(s.runner, [entry("alpha", "third"), entry("alpha", "fourth")]);
    expect((await readState(s)).sets).toEqual({ types: ["alpha"] });
    await s.redis.del(s.key("types"), s.key("queue:alpha"));
    await schedule(s.runner, [entry("alpha", "fifth")]);
    expect((await readState(s)).sets).toEqual({ types: ["alpha"] });
  });

  it("a stored record leaves out the defaults: no status while queued, no creation time when it equals run-at", async () => {
    const s = scope(redis());
    await schedule(s.runner, [entry("alpha", "now"), entry("alpha", "later", { delayMs: 60_000 })]);
    const [now, later] = await s.redis.hmget(s.key("jobs"), "now", "later");
    expect(now).toMatch(/^\{"at":\d+,"t":"alpha","h":"test-alpha"\}\n/);
    expect(later).toMatch(/^\{"at":\d+,"c":\d+,"t":"alpha","h":"test-alpha"\}\n/);
  });

  // The wake list is a doorbell, not a queue: a pool woken once claims everything due.
  it.each([
    { name: "many due jobs in one call leave one token", seed: async () => undefined, entries: () => [1, 2, 3, 4].map((n) => entry("alpha", `d${n}`, { runAt: T0 + n })), wake: ["1"] },
    { name: "a due job when a token is already waiting adds none", seed: (s: Scope) => seedWake(s, "alpha"), entries: () => [entry("alpha", "d", { runAt: T0 })], wake: ["1"] },
    // A pool blocked on the wake list found the queue empty; the push that filled it rang already.
    { name: "a due job onto a queue that already holds jobs wakes nobody", seed: (s: Scope) => seedQueued(s, "alpha", "waiting"), entries: () => [entry("alpha", "d")], wake: undefined },
    { name: "due jobs in one call onto a queue that already holds jobs wake nobody", seed: (s: Scope) => seedQueued(s, "alpha", "waiting"), entries: () => [entry("alpha", "d1"), entry("alpha", "d2")], wake: undefined },
    { name: "a due job with a priority wakes whatever the queue holds", seed: (s: Scope) => seedQueued(s, "alpha", "waiting"), entries: () => [entry("alpha", "p", { priority: 2 })], wake: ["1"] },
    { name: "a future job into an empty schedule wakes (a pool may sleep for idleWait)", seed: async () => undefined, entries: () => [entry("alpha", "f", { runAt: FUTURE })], wake: ["1"] },
    { name: "a future job earlier than the schedule's head wakes the pool sleeping until that head", seed: (s: Scope) => seedScheduled(s, "alpha", "head", { at: FUTURE + 1000 }), entries: () => [entry("alpha", "f", { runAt: FUTURE })], wake: ["1"] },
    { name: "a future job later than the schedule's head wakes nobody", seed: (s: Scope) => seedScheduled(s, "alpha", "head", { at: FUTURE - 1000 }), entries: () => [entry("alpha", "f", { runAt: FUTURE })], wake: undefined },
    { name: "a future job at the same time as the head wakes nobody", seed: (s: Scope) => seedScheduled(s, "alpha", "head", { at: FUTURE }), entries: () => [entry("alpha", "f", { runAt: FUTURE })], wake: undefined },
  ])("wake: $name", async ({ seed, entries, wake }) => {
    const s = scope(redis());
    await seed(s);
    await schedule(s.runner, entries());
    const state = await readState(s);
    expect(state.lists?.["wake:alpha"]).toEqual(wake);
  });
});
