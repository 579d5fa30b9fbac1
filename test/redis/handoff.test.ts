import { describe, expect, it } from "vitest";
import { claim, type ClaimArgs } from "../../src/redis/scripts/claim.js";
import { cancel } from "../../src/redis/scripts/job-commands.js";
import { HANDOFFS_UNPOPPED, parseHandoffEntry } from "../../src/redis/scripts/handoff.js";
import { schedule, type ScheduleEntry } from "../../src/redis/scripts/schedule.js";
import { encodeRecordTail } from "../../src/redis/record.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { FUTURE, PAYLOAD, PREFIX, readState, rec, scope, seedExecuting, seedQueued, seedScheduled, timed, within, type Scope } from "./seed.js";

// The direct hand-off (includes/handoff.lua): a claim that finds the queues drained registers its
// pool in idle:<T> until its wait ends; schedule.lua leases one due job onto empty queues to such a
// pool and pushes it to handoff:<T>; a later claim withdraws the registration and takes what nobody
// popped.

const { server } = useRedis();
const redis = useRedisClient(server);

const LEASE = 30_000;
const MEMBER = `${LEASE}:*:pool-1`;

function entry(id: string, o: { runAt?: number; delayMs?: number; priority?: number } = {}): ScheduleEntry {
  const header = { t: "alpha", h: "test-alpha", ...(o.priority ? { pr: o.priority } : {}) };
  return { id, type: "alpha", runAt: o.runAt, delayMs: o.delayMs ?? 0, priority: o.priority ?? 0, header, recordTail: encodeRecordTail(header, PAYLOAD) };
}

function runClaim(s: Scope, o: Partial<ClaimArgs> = {}) {
  return claim(s.runner, { types: ["alpha"], count: 10, leaseMs: LEASE, poolId: "pool-1", justWoken: false, withdraw: false, idleWaitMs: 0, ...o });
}

/** Registers a pool in idle:alpha until `until`, as a drained claim would. */
async function seedIdle(s: Scope, until: number, member = MEMBER): Promise<void> {
  await s.redis.zadd(s.key("idle:alpha"), until, member);
}

const key = (s: Scope, name: string) => `${PREFIX}{${s.ns}}:${name}`;

describe("hand-off: schedule.lua", () => {
  it("a due job onto empty queues is leased to the idle pool and pushed to handoff:<T>; the pool stays registered", async () => {
    const s = scope(redis());
    const waitEnds = Date.now() + 5000;
    await seedIdle(s, waitEnds);
    const { result, now, lo, hi } = await timed(() => schedule(s.runner, [entry("j1")]));
    expect(result).toMatchObject([{ id: "j1", created: true, handedTo: "pool-1" }]);
    const raw = (await s.redis.hget(key(s, "jobs"), "j1"))!;
    expect(await readState(s)).toEqual({
      jobs: { j1: rec({ at: now, c: now, t: "alpha", h: "test-alpha", s: "executing", st: now, a: 1, w: "pool-1" }) },
      zsets: { "executing:alpha": { j1: within(lo + LEASE, hi + LEASE) }, "idle:alpha": { [MEMBER]: waitEnds } },
      lists: { "handoff:alpha": [`2:j1${raw}`] },
      sets: { types: ["alpha"] },
    });
    // The lease's start is the record's start.
    const header = JSON.parse(raw.slice(0, raw.indexOf("\n"))) as { st: number; at: number };
    expect(header.st).toBe(header.at);
  });

  it("a due job with a priority is handed over the same way when the queues are empty", async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() + 5000);
    const [result] = await schedule(s.runner, [entry("p1", { priority: 4 })]);
    expect(result!.handedTo).toBe("pool-1");
    const state = await readState(s);
    expect(state.jobs!.p1).toMatchObject({ header: { s: "executing", a: 1, pr: 4, w: "pool-1" } });
    expect(Object.keys(state.zsets!)).toEqual(["executing:alpha", "idle:alpha"]);
    expect(Object.keys(state.lists!)).toEqual(["handoff:alpha"]);
  });

  it("the entry gives back the id and the record as stored, whatever the id holds", async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() + 5000);
    const id = "ü:\n{7}";
    await schedule(s.runner, [entry(id)]);
    const [popped] = await s.redis.lrange(key(s, "handoff:alpha"), 0, -1);
    expect(parseHandoffEntry(popped!)).toEqual({ id, raw: await s.redis.hget(key(s, "jobs"), id) });
  });

  it.each([
    { name: "jobs wait in the queue list", seed: (s: Scope) => seedQueued(s, "alpha", "waiting"), entries: [entry("j1")] },
    { name: "a job with a priority waits in the ready zset", seed: (s: Scope) => seedQueued(s, "alpha", "waiting", { pr: 3 }), entries: [entry("j1")] },
    { name: `${HANDOFFS_UNPOPPED} jobs handed over have not been popped`, seed: (s: Scope) => s.redis.rpush(key(s, "handoff:alpha"), ...Array.from({ length: HANDOFFS_UNPOPPED }, (_, k) => `7:earlie${k}{}\n{}`)), entries: [entry("j1")] },
    { name: "the job is not due yet", seed: async () => undefined, entries: [entry("j1", { delayMs: 60_000 })] },
    { name: "several jobs in one call", seed: async () => undefined, entries: [entry("j1"), entry("j2")] },
  ])("no hand-off when $name: the usual path, and the pool stays registered", async ({ seed, entries }) => {
    const s = scope(redis());
    const waitEnds = Date.now() + 5000;
    await seedIdle(s, waitEnds);
    await seed(s);
    const result = await schedule(s.runner, entries);
    expect(result.every((r) => r.created && r.handedTo === undefined)).toBe(true);
    const state = await readState(s);
    for (const e of entries) expect(state.jobs![e.id]).toMatchObject({ header: { s: "queued" } });
    expect(state.zsets!["executing:alpha"]).toBeUndefined();
    expect(state.zsets!["idle:alpha"]).toEqual({ [MEMBER]: waitEnds });
  });

  it(`while fewer than ${HANDOFFS_UNPOPPED} jobs handed over wait unpopped, the next is handed over too, behind them`, async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() + 5000);
    const ids = Array.from({ length: HANDOFFS_UNPOPPED + 1 }, (_, k) => `j${k}`);
    const results = [];
    for (const id of ids) results.push((await schedule(s.runner, [entry(id)]))[0]!);
    expect(results.map((r) => r.handedTo)).toEqual([...ids.slice(0, -1).map(() => "pool-1"), undefined]);
    const handed = await s.redis.lrange(key(s, "handoff:alpha"), 0, -1);
    expect(handed.map((e) => parseHandoffEntry(e).id)).toEqual(ids.slice(0, -1));
    expect(await s.redis.lrange(key(s, "queue:alpha"), 0, -1)).toEqual(ids.slice(-1));
  });

  it("no hand-off to a pool whose wait has ended (or that died waiting)", async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() - 1);
    const [result] = await schedule(s.runner, [entry("j1")]);
    expect(result!.handedTo).toBeUndefined();
    expect((await readState(s)).lists).toEqual({ "queue:alpha": ["j1"], "wake:alpha": ["1"] });
  });

  it("an id that already exists is not handed over: nothing changes", async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() + 5000);
    await seedScheduled(s, "alpha", "j1", { at: FUTURE });
    const before = await readState(s);
    expect(await schedule(s.runner, [entry("j1")])).toEqual([{ id: "j1", created: false }]);
    expect(await readState(s)).toEqual(before);
  });
});

describe("hand-off: claim.lua", () => {
  it("a claim that finds the queues drained registers the pool until its wait ends, whatever is scheduled sooner (promote.lua wakes it)", async () => {
    const s = scope(redis());
    const { lo, hi } = await timed(() => runClaim(s, { idleWaitMs: 5000 }));
    expect((await readState(s)).zsets).toEqual({ "idle:alpha": { [MEMBER]: within(lo + 5000, hi + 5000) } });

    const soon = scope(redis());
    const at = Date.now() + 1000;
    await seedScheduled(soon, "alpha", "later", { at });
    const waited = await timed(() => runClaim(soon, { idleWaitMs: 5000 }));
    expect((await readState(soon)).zsets!["idle:alpha"]).toEqual({ [MEMBER]: within(waited.lo + 5000, waited.hi + 5000) });
  });

  it.each([
    { name: "it will not wait (idleWaitMs 0)", seed: async () => undefined, o: { idleWaitMs: 0 } },
    { name: "it took every job it asked for", seed: (s: Scope) => seedQueued(s, "alpha", "waiting"), o: { idleWaitMs: 5000, count: 1 } },
  ])("no registration when $name", async ({ seed, o }) => {
    const s = scope(redis());
    await seed(s);
    await runClaim(s, o);
    expect((await readState(s)).zsets?.["idle:alpha"]).toBeUndefined();
  });

  it("registering drops the entries whose wait has ended; withdrawing removes only this pool's, in every type", async () => {
    const s = scope(redis());
    await s.redis.zadd(key(s, "idle:alpha"), Date.now() - 1, "30000:*:dead-pool", Date.now() + 60_000, "30000:*:other-pool");
    await runClaim(s, { idleWaitMs: 5000, types: ["alpha", "beta"] });
    expect(Object.keys((await readState(s)).zsets!["idle:alpha"]!).sort()).toEqual(["30000:*:other-pool", MEMBER]);
    await seedQueued(s, "beta", "b1");
    await runClaim(s, { withdraw: true, types: ["alpha", "beta"] });
    expect((await readState(s)).zsets).toMatchObject({ "idle:alpha": { "30000:*:other-pool": expect.any(Number) } });
    expect((await readState(s)).zsets!["idle:beta"]).toBeUndefined();
  });

  it("takes jobs handed over that nobody popped first, leased anew to this pool without counting another attempt", async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() + 5000, "30000:*:gone-pool");
    await schedule(s.runner, [entry("handed")]);
    await seedQueued(s, "alpha", "queued");
    const { result, now, lo, hi } = await timed(() => runClaim(s, { poolId: "pool-2" }));
    expect(result.jobs.map((j) => j.id)).toEqual(["handed", "queued"]);
    const state = await readState(s);
    expect(state.jobs!.handed).toEqual(rec({ at: expect.any(Number), c: expect.any(Number), t: "alpha", h: "test-alpha", s: "executing", st: now, a: 1, w: "pool-2" }));
    expect(state.zsets!["executing:alpha"]).toEqual({ handed: within(lo + LEASE, hi + LEASE), queued: within(lo + LEASE, hi + LEASE) });
    expect(state.lists).toBeUndefined();
  });

  it("a job handed over and cancelled before any pool popped it ends cancelled, never started", async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() + 5000, "30000:*:gone-pool");
    await schedule(s.runner, [entry("handed")]);
    expect(await cancel(s.runner, "alpha", "handed")).toMatchObject({ code: "requested" });
    const { result, now } = await timed(() => runClaim(s));
    expect(result.jobs).toEqual([]);
    const state = await readState(s);
    expect(state.jobs!.handed).toEqual(rec({ at: expect.any(Number), c: expect.any(Number), t: "alpha", h: "test-alpha", s: "cancelled", ft: now }));
    expect(state.zsets).toMatchObject({ "cancelled:alpha": { handed: now } });
    expect(state.zsets!["executing:alpha"]).toBeUndefined();
    expect(state.lists).toBeUndefined();
  });

  it("drops a job handed over that was recovered, claimed again or destroyed since", async () => {
    const s = scope(redis());
    await seedIdle(s, Date.now() + 5000, "30000:*:gone-pool");
    for (const id of ["recovered", "reclaimed", "destroyed"]) {
      await schedule(s.runner, [entry(id)]);
      // One job at a time is handed over: move each entry aside before the next.
      await s.redis.lmove(key(s, "handoff:alpha"), key(s, "aside"), "LEFT", "RIGHT");
    }
    await s.redis.rename(key(s, "aside"), key(s, "handoff:alpha"));
    await seedQueued(s, "alpha", "recovered", { rc: 1, a: 1 });
    await s.redis.zrem(key(s, "executing:alpha"), "recovered");
    await seedExecuting(s, "alpha", "reclaimed", { a: 2, w: "pool-3" });
    await s.redis.hdel(key(s, "jobs"), "destroyed");
    await s.redis.zrem(key(s, "executing:alpha"), "destroyed");
    const before = await readState(s);
    // The recovered job is claimed from the queue list it was put back in, as a new attempt.
    const result = await runClaim(s);
    expect(result.jobs.map((j) => j.id)).toEqual(["recovered"]);
    const after = await readState(s);
    expect(after.lists).toBeUndefined();
    expect(after.jobs!.reclaimed).toEqual(before.jobs!.reclaimed);
    expect(after.jobs!.recovered).toMatchObject({ header: { s: "executing", a: 2, rc: 1 } });
  });
});
