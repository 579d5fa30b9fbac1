import { describe, expect, it } from "vitest";
import { reschedule, type RescheduleArgs } from "../../src/redis/scripts/job-commands.js";
import { claim } from "../../src/redis/scripts/claim.js";
import { requeueExpired } from "../../src/redis/scripts/requeue-expired.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { FUTURE, T0, readState, readyScore, rec, scope, seedExecuting, seedFinished, seedQueued, seedScheduled, timed, within, type Scope } from "./seed.js";

// reschedule.lua: queues an existing job again for a new time from any status but executing; the
// run starts afresh (failures, cancel request and finish time cleared); the recurrence is kept,
// replaced, or removed.

const { server } = useRedis();
const redis = useRedisClient(server);

const BOOM = { name: "Error", message: "boom" };
const at = (runAt: number): RescheduleArgs => ({ runAt, delayMs: 0, recurrence: undefined });
/** What seedFinished writes, for the fields a reschedule keeps. */
const kept = (fields: Record<string, unknown> = {}) => ({ t: "alpha", c: T0, h: "test-alpha", a: 1, st: T0, ...fields });

describe("reschedule.lua", () => {
  it.each(["finished", "failed", "cancelled", "rejected"] as const)("a %s job is queued again for a future time, in the schedule, with a fresh run", async (status) => {
    const s = scope(redis());
    await seedFinished(s, "alpha", "j", status, { r: 2, f: 3, e: BOOM, pr: 4 });
    expect(await reschedule(s.runner, "alpha", "j", at(FUTURE))).toEqual({ code: "queued", detail: "queued" });
    expect(await readState(s)).toEqual({
      jobs: { j: rec(kept({ s: "queued", at: FUTURE, r: 2, e: BOOM, pr: 4 })) },
      zsets: { "scheduled:alpha": { j: FUTURE } },
      lists: { "wake:alpha": ["1"] },
    });
  });

  it("a time already past queues a job with a priority in the ready zset, by its score", async () => {
    const s = scope(redis());
    await seedFinished(s, "alpha", "j", "failed", { pr: -2 });
    await reschedule(s.runner, "alpha", "j", at(T0 + 5));
    expect(await readState(s)).toEqual({
      jobs: { j: rec(kept({ s: "queued", at: T0 + 5, pr: -2 })) },
      zsets: { "ready:alpha": { j: readyScore(-2, T0 + 5) } },
      lists: { "wake:alpha": ["1"] },
    });
  });

  it("a time already past queues a priority-0 job at the tail of the queue list, behind the jobs waiting", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    await seedFinished(s, "alpha", "j", "failed");
    await reschedule(s.runner, "alpha", "j", at(T0 + 5));
    expect(await readState(s)).toEqual({
      jobs: { waiting: rec({ t: "alpha", s: "queued", at: T0, c: T0, h: "test-alpha" }), j: rec(kept({ s: "queued", at: T0 + 5 })) },
      lists: { "queue:alpha": ["waiting", "j"], "wake:alpha": ["1"] },
    });
  });

  it("without a time, runs after the delay on Redis's clock", async () => {
    const s = scope(redis());
    await seedFinished(s, "alpha", "j");
    const { lo, hi } = await timed(() => reschedule(s.runner, "alpha", "j", { runAt: undefined, delayMs: 60_000, recurrence: undefined }));
    const when = within(lo + 60_000, hi + 60_000);
    expect(await readState(s)).toEqual({ jobs: { j: rec(kept({ s: "queued", at: when })) }, zsets: { "scheduled:alpha": { j: when } }, lists: { "wake:alpha": ["1"] } });
  });

  it("a queued job moves to its new time: from the schedule to the queue list", async () => {
    const s = scope(redis());
    await seedScheduled(s, "alpha", "j", { at: FUTURE });
    await reschedule(s.runner, "alpha", "j", at(T0));
    expect(await readState(s)).toEqual({
      jobs: { j: rec({ t: "alpha", c: T0, h: "test-alpha", s: "queued", at: T0 }) },
      lists: { "queue:alpha": ["j"], "wake:alpha": ["1"] },
    });
  });

  it("a queued job leaves the queue list for its new time, the others keeping their order; created at its old run-at", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "w1");
    // Created to run at once: no creation time stored until the run-at moves.
    await seedQueued(s, "alpha", "j", { c: undefined });
    expect(await s.redis.hget(s.key("jobs"), "j")).not.toContain('"c":');
    await seedQueued(s, "alpha", "w2");
    await reschedule(s.runner, "alpha", "j", at(FUTURE));
    const waiting = rec({ t: "alpha", s: "queued", at: T0, c: T0, h: "test-alpha" });
    expect(await readState(s)).toEqual({
      jobs: { w1: waiting, w2: waiting, j: rec({ t: "alpha", c: T0, h: "test-alpha", s: "queued", at: FUTURE }) },
      zsets: { "scheduled:alpha": { j: FUTURE } },
      lists: { "queue:alpha": ["w1", "w2"], "wake:alpha": ["1"] },
    });
  });

  it("a queued job with a priority moves within the ready zset to its new score", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "j", { pr: 3 });
    await reschedule(s.runner, "alpha", "j", at(T0 + 7));
    expect(await readState(s)).toEqual({
      jobs: { j: rec({ t: "alpha", c: T0, h: "test-alpha", s: "queued", at: T0 + 7, pr: 3 }) },
      zsets: { "ready:alpha": { j: readyScore(3, T0 + 7) } },
      lists: { "wake:alpha": ["1"] },
    });
  });

  it("an executing job is refused and left running", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j", { cx: true });
    const before = await readState(s);
    expect(await reschedule(s.runner, "alpha", "j", at(T0))).toEqual({ code: "executing", detail: "executing" });
    expect(await readState(s)).toEqual(before);
  });

  it.each([
    { name: "missing", seed: async () => undefined, reply: { code: "missing", detail: "" } },
    { name: "another type", seed: (s: Scope) => seedFinished(s, "beta", "j", "finished", { t: "beta" }), reply: { code: "other-type", detail: "beta" } },
    { name: "corrupt", seed: async (s: Scope) => void (await s.redis.hset(s.key("jobs"), "j", "{oops")), reply: { code: "corrupt", detail: "" } },
  ])("a job that is $name is reported and nothing changes", async ({ seed, reply }) => {
    const s = scope(redis());
    await seed(s);
    const before = await readState(s);
    expect(await reschedule(s.runner, "alpha", "j", at(T0))).toEqual(reply);
    expect(await readState(s)).toEqual(before);
  });

  it.each([
    { name: "kept when none is given", recurrence: undefined, want: { ev: 60_000 } },
    { name: "replaced by a cron", recurrence: { cr: "0 3 * * *", tz: "Europe/Paris" }, want: { cr: "0 3 * * *", tz: "Europe/Paris" } },
    { name: "replaced by another interval", recurrence: { ev: 5_000 }, want: { ev: 5_000 } },
    { name: "removed by {} (one-off from now on)", recurrence: {}, want: {} },
  ])("the recurrence is $name", async ({ recurrence, want }) => {
    const s = scope(redis());
    await seedFinished(s, "alpha", "j", "finished", { ev: 60_000 });
    await reschedule(s.runner, "alpha", "j", { runAt: FUTURE, delayMs: 0, recurrence });
    expect((await readState(s)).jobs).toEqual({ j: rec(kept({ s: "queued", at: FUTURE, ...want })) });
  });

  it("a job that failed with LeaseExpiredError starts its new run with a fresh recovery budget", async () => {
    const s = scope(redis());
    await seedFinished(s, "alpha", "j", "failed", { rc: 4, e: { name: "LeaseExpiredError", message: "lost" } });
    await reschedule(s.runner, "alpha", "j", at(T0));
    // Its first new attempt loses its lease once: that is a recovery, not the last straw.
    const { leaseDeadline } = await claim(s.runner, { types: ["alpha"], count: 1, leaseMs: 1, poolId: "p", justWoken: false, withdraw: false, idleWaitMs: 0 });
    await waitUntil(() => Date.now() > leaseDeadline + 1);
    expect(await requeueExpired(s.runner, { types: ["alpha"], limit: 10, maxRecoveries: 3, stalePoolMs: 60_000 })).toEqual([{ id: "j", outcome: "requeued", type: "alpha" }]);
  });
});
