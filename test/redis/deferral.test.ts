import { describe, expect, it } from "vitest";
import { claim, type ClaimArgs } from "../../src/redis/scripts/claim.js";
import { cancel, destroy } from "../../src/redis/scripts/job-commands.js";
import { retryJob } from "../../src/redis/scripts/job-actions.js";
import { sweepDeferred } from "../../src/redis/scripts/sweep-deferred.js";
import { schedule, type ScheduleEntry } from "../../src/redis/scripts/schedule.js";
import { encodeRecordTail } from "../../src/redis/record.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { PAYLOAD, readState, rec, scope, seedQueued, timed, type Scope } from "./seed.js";

// Jobs of a contract identity a pool does not know (includes/deferral.lua): claim.lua defers them
// without an attempt and leases the rest; it takes deferred jobs of identities the pool knows first
// when asked; sweepDeferred.lua reports them and rejects those past their deadline; a schedule hands
// a job only to idle pools that all know it; cancel, retry and destroy act on a deferred job.

const { server } = useRedis();
const redis = useRedisClient(server);

const LEASE = 30_000;
const DAY = 86_400_000;
/** The seeded jobs' identity (seed.ts) is test-alpha; the newer build's is 'newer'. */
const OLD = ",test-alpha,";
const NEW = ",newer,test-alpha,";

function runClaim(s: Scope, o: Partial<ClaimArgs> = {}) {
  return claim(s.runner, { types: ["alpha"], count: 10, leaseMs: LEASE, poolId: "pool-1", justWoken: false, withdraw: false, idleWaitMs: 0, known: [OLD], deferMs: DAY, ...o });
}

const member = (identity: string, deadline: number, id: string) => `${identity}:${String(deadline).padStart(15, "0")}:${id}`;

describe("deferral: claim.lua", () => {
  it("defers a job of an unknown identity without an attempt, leases the known ones, and does not report drained for it", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "new1", { h: "newer" });
    await seedQueued(s, "alpha", "old1");
    await seedQueued(s, "alpha", "prio", { h: "newer", pr: 5 });
    await seedQueued(s, "alpha", "old2");
    const { result, now } = await timed(() => runClaim(s, { count: 3 }));
    expect(result.jobs.map((j) => j.id)).toEqual(["old1"]);
    // Three were selected (two deferred): the pool claims again at once rather than wait.
    expect(result.drained).toBe(false);
    const state = await readState(s);
    for (const id of ["new1", "prio"]) {
      expect(state.jobs![id]).toMatchObject({ header: { s: "deferred", df: now, h: "newer" } });
      const header = (state.jobs![id] as unknown as { header: { df: number; dl: number } }).header;
      expect(header.dl - header.df).toBe(DAY);
      expect(header).not.toHaveProperty("a");
    }
    const deadline = (state.jobs!.new1 as unknown as { header: { dl: number } }).header.dl;
    expect(state.zsets!["deferred:alpha"]).toEqual({ [member("newer", deadline, "new1")]: 0, [member("newer", deadline, "prio")]: 0 });
    expect(state.zsets!["executing:alpha"]).toEqual({ old1: expect.any(Number) });
    expect(state.lists!["queue:alpha"]).toEqual(["old2"]);
    // A pool is woken: an idle one that knows the identity takes the job.
    expect(state.lists!["wake:alpha"]).toEqual(["1"]);

    const again = await runClaim(s);
    expect(again.jobs.map((j) => j.id)).toEqual(["old2"]);
    expect(again.drained).toBe(true);
    // The deferred jobs stay as they were: no claim of a pool that does not know them reads them again.
    const after = await readState(s);
    expect(after.jobs!.new1).toEqual(state.jobs!.new1);
    expect(after.zsets!["deferred:alpha"]).toEqual(state.zsets!["deferred:alpha"]);
    expect((await runClaim(s, { takeDeferred: true })).jobs).toEqual([]);
    expect((await readState(s)).zsets!["deferred:alpha"]).toEqual(state.zsets!["deferred:alpha"]);
  });

  it("a pool that knows the identity takes deferred jobs first when asked, as their first attempt, and leaves them otherwise", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "new1", { h: "newer" });
    await seedQueued(s, "alpha", "new2", { h: "newer" });
    await runClaim(s);
    await seedQueued(s, "alpha", "old1");
    const plain = await runClaim(s, { known: [NEW], count: 1 });
    expect(plain.jobs.map((j) => j.id)).toEqual(["old1"]);
    const { result, now } = await timed(() => runClaim(s, { known: [NEW], takeDeferred: true, count: 1, poolId: "pool-2" }));
    expect(result.jobs.map((j) => j.id)).toEqual(["new1"]);
    expect(result.drained).toBe(false);
    const state = await readState(s);
    expect(state.jobs!.new1).toEqual(rec({ t: "alpha", h: "newer", at: expect.any(Number), c: expect.any(Number), s: "executing", a: 1, st: now, w: "pool-2" }));
    expect(Object.keys(state.zsets!["deferred:alpha"]!)).toHaveLength(1);
    expect((await runClaim(s, { known: [NEW], takeDeferred: true })).jobs.map((j) => j.id)).toEqual(["new2"]);
    expect((await readState(s)).zsets?.["deferred:alpha"]).toBeUndefined();
  });

  it("a pool of several types defers by each type's own identities", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "a1", { h: "shared" });
    await seedQueued(s, "beta", "b1", { h: "shared" });
    const result = await runClaim(s, { types: ["alpha", "beta"], known: [",shared,", ",test-beta,"] });
    expect(result.jobs.map((j) => j.id)).toEqual(["a1"]);
    const state = await readState(s);
    expect(state.jobs!.b1).toMatchObject({ header: { s: "deferred", t: "beta" } });
    expect(Object.keys(state.zsets!["deferred:beta"]!)).toEqual([expect.stringMatching(/^shared:\d{15}:b1$/)]);
    expect(state.zsets!["deferred:alpha"]).toBeUndefined();
  });

  it("a job without an identity, and any job for a pool whose module lists none, is run", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "unstamped", { h: undefined });
    await seedQueued(s, "alpha", "newer", { h: "newer" });
    expect((await runClaim(s, { count: 1 })).jobs.map((j) => j.id)).toEqual(["unstamped"]);
    expect((await runClaim(s, { known: ["*"] })).jobs.map((j) => j.id)).toEqual(["newer"]);
  });

  it("a job stamped with an identity no build writes is rejected at once, with the reason", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "odd", { h: "not:an identity" });
    const { result, now } = await timed(() => runClaim(s));
    expect(result.jobs).toEqual([]);
    const state = await readState(s);
    expect(state.jobs!.odd).toMatchObject({ header: { s: "rejected", ft: now, e: { name: "UnknownContractError", message: `job type 'alpha': the job carries contract identity "not:an identity", which this pool's build does not know (it knows only test-alpha); no build writes such an identity` } } });
    expect(state.zsets!["rejected:alpha"]).toEqual({ odd: now });
  });
});

describe("deferral: sweepDeferred.lua", () => {
  it("tells which types have deferred jobs the pool knows, and rejects the unknown ones past their deadline only", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "late", { h: "newer" });
    await runClaim(s, { deferMs: 0 });
    await seedQueued(s, "alpha", "fresh", { h: "newer" });
    await seedQueued(s, "alpha", "other", { h: "third" });
    await runClaim(s);
    expect(await sweepDeferred(s.runner, { types: ["alpha"], known: [",newer,third,"], limit: 10 })).toEqual({ knownWaiting: ["alpha"], rejected: [] });
    const { result, now } = await timed(() => sweepDeferred(s.runner, { types: ["alpha"], known: [OLD], limit: 10 }));
    expect(result.knownWaiting).toEqual([]);
    expect(result.rejected.map((j) => j.id)).toEqual(["late"]);
    const state = await readState(s);
    expect(state.jobs!.late).toMatchObject({ header: { s: "rejected", ft: now, e: { name: "UnknownContractError", message: expect.stringContaining("no pool that knows it took the job before its deadline") } } });
    expect(state.zsets!["rejected:alpha"]).toEqual({ late: now });
    expect(Object.keys(state.zsets!["deferred:alpha"]!).map((m) => m.slice(m.lastIndexOf(":") + 1)).sort()).toEqual(["fresh", "other"]);
  });
});

describe("deferral: cancel, retry, destroy", () => {
  it("act on a deferred job and take it out of deferred:<T>", async () => {
    const s = scope(redis());
    for (const id of ["c", "r", "d"]) await seedQueued(s, "alpha", id, { h: "newer" });
    await runClaim(s);
    expect(await cancel(s.runner, "alpha", "c")).toEqual({ code: "cancelled", detail: "cancelled" });
    expect(await retryJob(s.runner, "alpha", "r")).toEqual({ code: "queued", detail: "queued" });
    expect(await destroy(s.runner, "alpha", "d")).toBe(true);
    const state = await readState(s);
    expect(state.zsets!["deferred:alpha"]).toBeUndefined();
    expect(state.jobs!.c).toMatchObject({ header: { s: "cancelled" } });
    expect(state.jobs!.r).toMatchObject({ header: { s: "queued" } });
    expect(state.jobs!.d).toBeUndefined();
    expect(state.lists!["queue:alpha"]).toEqual(["r"]);
    for (const id of ["c", "r"]) expect((state.jobs![id] as { header: object }).header).not.toHaveProperty("dl");
  });
});

describe("deferral: the hand-off (scheduleOne.lua)", () => {
  function entry(id: string, h: string): ScheduleEntry {
    const header = { t: "alpha", h };
    return { id, type: "alpha", runAt: undefined, delayMs: 0, priority: 0, header, recordTail: encodeRecordTail(header, PAYLOAD) };
  }

  it("hands a job over only when every idle pool knows its identity", async () => {
    const s = scope(redis());
    const until = Date.now() + 60_000;
    await s.redis.zadd(s.key("idle:alpha"), until, `${LEASE}:${NEW}:new-pool`);
    expect(await schedule(s.runner, [entry("j1", "newer")])).toMatchObject([{ id: "j1", created: true, handedTo: "new-pool" }]);
    await s.redis.del(s.key("handoff:alpha"));
    await s.redis.zadd(s.key("idle:alpha"), until + 1, `${LEASE}:${OLD}:old-pool`);
    expect(await schedule(s.runner, [entry("j2", "newer")])).toMatchObject([{ id: "j2", created: true }]);
    expect(await s.redis.lrange(s.key("queue:alpha"), 0, -1)).toEqual(["j2"]);
    // Known to both: handed over.
    await s.redis.del(s.key("queue:alpha"));
    expect(await schedule(s.runner, [entry("j3", "test-alpha")])).toMatchObject([{ id: "j3", handedTo: "new-pool" }]);
  });
});
