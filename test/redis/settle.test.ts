import { describe, expect, it } from "vitest";
import { settle as settleCounted, type Settlement } from "../../src/redis/scripts/settle.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import {
  CORRUPT_RECORDS, FUTURE, T0, quarantined, readState, readyScore, rec, scope, seedExecuting, seedFinished,
  seedQueued, seedRaw, seedScheduled, timed, within, type Header, type Scope, type State,
} from "./seed.js";

// settle.lua: how an attempt ended moves its job on. The attempt number fences off a pool whose
// lease was lost; a cancel requested while the job ran wins over retries and recurrence.

// The per-minute throughput series the script also keeps has its own tests
// (test/ops-stats/throughput.test.ts); the whole states here leave it out.
const settle: typeof settleCounted = (runner, poolId, settlements) => settleCounted(runner, poolId, settlements, { throughput: false });

const { server } = useRedis();
const redis = useRedisClient(server);

const BOOM = { name: "Error", message: "boom", stack: "Error: boom\n    at handler (x.ts:1:1)" };
const ISSUES = { name: "PayloadValidationError", message: "alpha payload is invalid at /n: must be number", issues: [{ path: "/n", message: "must be number" }] };

function settlement(o: Partial<Settlement> = {}): Settlement {
  return { id: "j", attempt: 1, type: "alpha", outcome: "ok", retryDelayMs: 0, nextRunAt: undefined, ...o };
}

/** The executing header seedExecuting writes, with changes. */
function base(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const h: Record<string, unknown> = { t: "alpha", s: "executing", at: T0, c: T0, h: "test-alpha", a: 1, st: T0, w: "pool-a", ...fields };
  for (const [k, v] of Object.entries(h)) if (v === undefined) delete h[k];
  return h;
}

type Now = ReturnType<typeof within>;
interface Case {
  name: string;
  seed: Partial<Header>;
  /** Also seed a job scheduled before the settled one's new run-at. */
  earlier?: boolean;
  /** Also seed a due priority-0 job already waiting in the queue list. */
  waiting?: boolean;
  settle: Partial<Settlement>;
  outcome: string;
  want: (now: Now, lo: number, hi: number) => State;
}

const NEXT = FUTURE + 60_000;
// Scheduled (not yet promoted) and due before any run-at a settle writes.
const EARLY_RECORD = rec({ t: "alpha", s: "queued", at: T0 + 5_000, c: T0, h: "test-alpha" });
// Due, priority 0: in the queue list.
const WAITING_RECORD = rec({ t: "alpha", s: "queued", at: T0, c: T0, h: "test-alpha" });

const cases: Case[] = [
  {
    name: "ok, one-off → finished",
    seed: {}, settle: { outcome: "ok" }, outcome: "finished",
    want: (now) => ({ jobs: { j: rec(base({ s: "finished", ft: now })) }, zsets: { "finished:alpha": { j: now } } }),
  },
  {
    name: "error with a retry left and a delay → retried, waiting in the schedule; its new head, so a wake-up",
    seed: { r: 2 }, settle: { outcome: "error", error: BOOM, retryDelayMs: 60_000 }, outcome: "retried",
    want: (now, lo, hi) => ({
      jobs: { j: rec(base({ r: 2, f: 1, s: "queued", at: within(lo + 60_000, hi + 60_000), ft: now, e: BOOM })) },
      zsets: { "scheduled:alpha": { j: within(lo + 60_000, hi + 60_000) } },
      lists: { "wake:alpha": ["1"] },
    }),
  },
  {
    name: "error with a retry left behind an earlier scheduled job → retried, no wake-up (the pools already wait for the earlier one)",
    seed: { r: 2 }, earlier: true, settle: { outcome: "error", error: BOOM, retryDelayMs: 60_000 }, outcome: "retried",
    want: (now, lo, hi) => ({
      jobs: { j: rec(base({ r: 2, f: 1, s: "queued", at: within(lo + 60_000, hi + 60_000), ft: now, e: BOOM })), early: EARLY_RECORD },
      zsets: { "scheduled:alpha": { j: within(lo + 60_000, hi + 60_000), early: T0 + 5_000 } },
    }),
  },
  {
    name: "error with a retry left and no delay, with a priority → retried, in the ready zset at once by its score, one wake-up",
    seed: { r: 1, pr: 4 }, settle: { outcome: "error", error: BOOM, retryDelayMs: 0 }, outcome: "retried",
    want: (now, lo, hi) => ({
      jobs: { j: rec(base({ r: 1, pr: 4, f: 1, s: "queued", at: now, ft: now, e: BOOM })) },
      zsets: { "ready:alpha": { j: within(readyScore(4, lo), readyScore(4, hi)) } },
      lists: { "wake:alpha": ["1"] },
    }),
  },
  {
    name: "error with a retry left and no delay, priority 0 → retried, at the tail of the queue list at once, one wake-up; created at its old run-at",
    // Created to run at once: no creation time stored until the retry moves its run-at.
    seed: { r: 1, c: undefined }, waiting: true, settle: { outcome: "error", error: BOOM, retryDelayMs: 0 }, outcome: "retried",
    want: (now) => ({
      jobs: { j: rec(base({ r: 1, f: 1, s: "queued", at: now, c: T0, ft: now, e: BOOM })), waiting: WAITING_RECORD },
      lists: { "queue:alpha": ["waiting", "j"], "wake:alpha": ["1"] },
    }),
  },
  {
    name: "error with the retries spent → failed, error kept",
    seed: { r: 2, f: 2 }, settle: { outcome: "error", error: BOOM, retryDelayMs: 5000 }, outcome: "failed",
    want: (now) => ({ jobs: { j: rec(base({ r: 2, f: 3, s: "failed", ft: now, e: BOOM })) }, zsets: { "failed:alpha": { j: now } } }),
  },
  {
    name: "error with no retries at all → failed",
    seed: {}, settle: { outcome: "error", error: BOOM }, outcome: "failed",
    want: (now) => ({ jobs: { j: rec(base({ f: 1, s: "failed", ft: now, e: BOOM })) }, zsets: { "failed:alpha": { j: now } } }),
  },
  {
    name: "reject → rejected with its issues, never retried",
    seed: { r: 5 }, settle: { outcome: "reject", error: ISSUES }, outcome: "rejected",
    want: (now) => ({ jobs: { j: rec(base({ r: 5, s: "rejected", ft: now, e: ISSUES })) }, zsets: { "rejected:alpha": { j: now } } }),
  },
  {
    name: "reject while a cancel was requested → rejected, and the request is not left on the record",
    seed: { cx: true }, settle: { outcome: "reject", error: ISSUES }, outcome: "rejected",
    want: (now) => ({ jobs: { j: rec(base({ s: "rejected", ft: now, e: ISSUES })) }, zsets: { "rejected:alpha": { j: now } } }),
  },
  {
    name: "ok after a cancel was requested → cancelled",
    seed: { cx: true }, settle: { outcome: "ok" }, outcome: "cancelled",
    want: (now) => ({ jobs: { j: rec(base({ s: "cancelled", ft: now })) }, zsets: { "cancelled:alpha": { j: now } } }),
  },
  {
    name: "error with retries left after a cancel was requested → cancelled, not retried",
    seed: { cx: true, r: 3 }, settle: { outcome: "error", error: BOOM, retryDelayMs: 0 }, outcome: "cancelled",
    want: (now) => ({ jobs: { j: rec(base({ r: 3, s: "cancelled", ft: now, e: BOOM })) }, zsets: { "cancelled:alpha": { j: now } } }),
  },
  {
    name: "recurring ok after a cancel was requested → cancelled, no next run",
    seed: { cx: true, ev: 60_000 }, settle: { outcome: "ok", nextRunAt: NEXT }, outcome: "cancelled",
    want: (now) => ({ jobs: { j: rec(base({ ev: 60_000, s: "cancelled", ft: now })) }, zsets: { "cancelled:alpha": { j: now } } }),
  },
  {
    name: "recurring ok → rescheduled for its next slot, with fresh retry and lease-recovery budgets",
    seed: { ev: 60_000, r: 2, f: 1, rc: 2 }, settle: { outcome: "ok", nextRunAt: NEXT }, outcome: "rescheduled",
    want: (now) => ({ sets: { recurring: ["j"] }, jobs: { j: rec(base({ ev: 60_000, r: 2, s: "queued", at: NEXT, ft: now })) }, zsets: { "scheduled:alpha": { j: NEXT } }, lists: { "wake:alpha": ["1"] } }),
  },
  {
    name: "recurring ok behind an earlier scheduled job → rescheduled, no wake-up",
    seed: { ev: 60_000 }, earlier: true, settle: { outcome: "ok", nextRunAt: NEXT }, outcome: "rescheduled",
    want: (now) => ({ sets: { recurring: ["j"] }, jobs: { j: rec(base({ ev: 60_000, s: "queued", at: NEXT, ft: now })), early: EARLY_RECORD }, zsets: { "scheduled:alpha": { j: NEXT, early: T0 + 5_000 } } }),
  },
  {
    name: "recurring error with a retry left → retried within this run",
    seed: { cr: "0 * * * *", r: 1 }, settle: { outcome: "error", error: BOOM, retryDelayMs: 60_000, nextRunAt: NEXT }, outcome: "retried",
    want: (now, lo, hi) => ({
      jobs: { j: rec(base({ cr: "0 * * * *", r: 1, f: 1, s: "queued", at: within(lo + 60_000, hi + 60_000), ft: now, e: BOOM })) },
      zsets: { "scheduled:alpha": { j: within(lo + 60_000, hi + 60_000) } },
      lists: { "wake:alpha": ["1"] },
    }),
  },
  {
    name: "recurring error with the retries spent → rescheduled for the next slot, retry budget reset, error kept",
    seed: { cr: "0 * * * *", tz: "Europe/Paris", r: 1, f: 1 }, settle: { outcome: "error", error: BOOM, retryDelayMs: 60_000, nextRunAt: NEXT }, outcome: "rescheduled",
    want: (now) => ({ sets: { recurring: ["j"] },
      jobs: { j: rec(base({ cr: "0 * * * *", tz: "Europe/Paris", r: 1, s: "queued", at: NEXT, ft: now, e: BOOM })) },
      zsets: { "scheduled:alpha": { j: NEXT } },
      lists: { "wake:alpha": ["1"] },
    }),
  },
  {
    name: "recurring ok whose next slot is already due, with a priority → rescheduled into the ready zset by its score, with a wake-up",
    seed: { ev: 1000, pr: 2 }, settle: { outcome: "ok", nextRunAt: T0 + 1000 }, outcome: "rescheduled",
    want: (now) => ({ sets: { recurring: ["j"] },
      jobs: { j: rec(base({ ev: 1000, pr: 2, s: "queued", at: T0 + 1000, ft: now })) },
      zsets: { "ready:alpha": { j: readyScore(2, T0 + 1000) } },
      lists: { "wake:alpha": ["1"] },
    }),
  },
  {
    name: "recurring ok whose next slot is already due, priority 0 → rescheduled at the tail of the queue list, with a wake-up; created at its old run-at",
    seed: { ev: 1000, c: undefined }, waiting: true, settle: { outcome: "ok", nextRunAt: T0 + 1000 }, outcome: "rescheduled",
    want: (now) => ({ sets: { recurring: ["j"] },
      jobs: { j: rec(base({ ev: 1000, s: "queued", at: T0 + 1000, c: T0, ft: now })), waiting: WAITING_RECORD },
      lists: { "queue:alpha": ["waiting", "j"], "wake:alpha": ["1"] },
    }),
  },
];

describe("settle.lua", () => {
  it.each(cases)("$name", async ({ seed, earlier, waiting, settle: o, outcome, want }) => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", seed);
    if (earlier) await seedScheduled(s, "alpha", "early", { at: T0 + 5_000 });
    if (waiting) await seedQueued(s, "alpha", "waiting");
    const { result, now, lo, hi } = await timed(() => settle(s.runner, "pool-a", [settlement(o)]));
    expect(result).toEqual([outcome]);
    expect(await readState(s)).toEqual(want(now, lo, hi));
  });

  it.each([
    { name: "a settle for another attempt number (the lease was lost and the job claimed again)", seed: (s: Scope) => seedExecuting(s, "alpha", "j", { a: 2 }) },
    { name: "a settle for a job no longer executing (recovered and queued again)", seed: (s: Scope) => seedQueued(s, "alpha", "j", { a: 1, rc: 1 }) },
    { name: "a settle for a job that already ended", seed: (s: Scope) => seedFinished(s, "alpha", "j", "finished", { a: 1 }) },
  ])("stale: $name changes nothing", async ({ seed }) => {
    const s = scope(redis());
    await seed(s);
    const before = await readState(s);
    expect(await settle(s.runner, "pool-a", [settlement({ outcome: "error", error: BOOM })])).toEqual(["stale"]);
    expect(await readState(s)).toEqual(before);
  });

  it("gone: a job destroyed while it ran writes nothing back", async () => {
    const s = scope(redis());
    await s.redis.zadd(s.key("executing:alpha"), String(FUTURE), "j");
    expect(await settle(s.runner, "pool-a", [settlement()])).toEqual(["gone"]);
    // The leftover executing entry is not settle's to judge; nothing was written for the job.
    expect(await readState(s)).toEqual({ zsets: { "executing:alpha": { j: FUTURE } } });
  });

  it.each(CORRUPT_RECORDS)("corrupt: a record that cannot be read ($name) is quarantined as failed, bytes kept", async ({ raw, reason }) => {
    const s = scope(redis());
    await seedRaw(s, "alpha", "j", raw, "executing", FUTURE);
    const { result, now } = await timed(() => settle(s.runner, "pool-a", [settlement()]));
    expect(result).toEqual(["corrupt"]);
    expect(await readState(s)).toEqual({ jobs: { j: quarantined("alpha", "j", raw, reason, now) }, zsets: { "failed:alpha": { j: now } } });
  });

  it("the record names the settling pool, whichever pool the job was leased to (a job handed over, popped by another)", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", { w: "pool-b" });
    const { now } = await timed(() => settle(s.runner, "pool-a", [settlement()]));
    expect((await readState(s)).jobs).toEqual({ j: rec(base({ s: "finished", ft: now, w: "pool-a" })) });
  });

  it("settles a batch of several types in one call, each outcome in order", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "a1");
    await seedExecuting(s, "beta", "b1", { t: "beta", h: "test-beta", r: 1 });
    await seedExecuting(s, "alpha", "a2", { a: 3 });
    const { result, now } = await timed(() => settle(s.runner, "pool-a", [
      settlement({ id: "a1" }),
      settlement({ id: "b1", type: "beta", outcome: "error", error: BOOM, retryDelayMs: 0 }),
      settlement({ id: "a2", attempt: 2, outcome: "ok" }),
      settlement({ id: "nope", type: "beta" }),
    ]));
    expect(result).toEqual(["finished", "retried", "stale", "gone"]);
    expect(await readState(s)).toEqual({
      jobs: {
        a1: rec(base({ s: "finished", ft: now })),
        b1: rec(base({ t: "beta", h: "test-beta", r: 1, f: 1, s: "queued", at: now, ft: now, e: BOOM })),
        a2: rec(base({ a: 3 })),
      },
      zsets: {
        "finished:alpha": { a1: now },
        "executing:alpha": { a2: FUTURE },
      },
      lists: { "queue:beta": ["b1"], "wake:beta": ["1"] },
    });
  });

  it("a second settle of the same attempt (a resent call after a lost reply) is stale and changes nothing", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", { r: 1 });
    expect(await settle(s.runner, "pool-a", [settlement({ outcome: "error", error: BOOM, retryDelayMs: 0 })])).toEqual(["retried"]);
    const after = await readState(s);
    expect(await settle(s.runner, "pool-a", [settlement({ outcome: "error", error: BOOM, retryDelayMs: 0 })])).toEqual(["stale"]);
    expect(await readState(s)).toEqual(after);
  });

  it("the same attempt twice in one batch settles once; the second is stale", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", { r: 1 });
    const { result, now } = await timed(() => settle(s.runner, "pool-a", [settlement({ outcome: "error", error: BOOM, retryDelayMs: 0 }), settlement({ outcome: "ok" })]));
    expect(result).toEqual(["retried", "stale"]);
    expect(await readState(s)).toEqual({
      jobs: { j: rec(base({ r: 1, f: 1, s: "queued", at: now, ft: now, e: BOOM })) },
      lists: { "queue:alpha": ["j"], "wake:alpha": ["1"] },
    });
  });
});
