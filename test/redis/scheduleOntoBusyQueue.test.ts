import { describe, expect, it } from "vitest";
import { RedisCommandError } from "../../src/errors.js";
import { scheduleOne, type QueueLengths, type ScheduleEntry } from "../../src/redis/scripts/schedule.js";
import { encodeRecordTail } from "../../src/store/job-record.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { PAYLOAD, expectRunAtInEveryMillisecondWidth, readState, rec, scope, seedQueued, seedScheduled, timed, within, type Scope } from "./seed.js";

// scheduleOntoBusyQueue.lua: one job due now at priority 0 onto a queue that already holds jobs,
// with two keys; and scheduleOne's choice between it and scheduleOne.lua by the queue length the
// client last saw.

const { server } = useRedis();
const redis = useRedisClient(server);

const BUSY = 32;

function entry(id: string, o: { delayMs?: number; priority?: number } = {}): ScheduleEntry {
  const header = { t: "alpha", h: "test-alpha", ...(o.priority ? { pr: o.priority } : {}) };
  return { id, type: "alpha", runAt: undefined, delayMs: o.delayMs ?? 0, priority: o.priority ?? 0, header, recordTail: encodeRecordTail(header, PAYLOAD) };
}

function runShort(s: Scope, id: string): Promise<unknown> {
  return s.runner.run("scheduleOntoBusyQueue", "test", ["alpha"], [id, entry(id).recordTail]);
}

/** How many RPUSHX calls the server has run (INFO commandstats counts those inside scripts): the short script's. */
async function shortScriptCalls(s: Scope): Promise<number> {
  const match = /cmdstat_rpushx:calls=(\d+)/.exec(await s.redis.info("commandstats"));
  return match ? Number(match[1]) : 0;
}

/** Schedules `count` due jobs one by one through scheduleOne, as jobs.schedule does. */
async function scheduleMany(s: Scope, lengths: QueueLengths, count: number, prefix = "j"): Promise<void> {
  for (let n = 0; n < count; n++) await scheduleOne(s.runner, entry(`${prefix}${n}`), lengths);
}

describe("scheduleOntoBusyQueue.lua", () => {
  it("onto a queue that holds jobs: the record takes Redis's clock as its run-at, the id goes to the tail, the reply is the queue's length, and nothing else changes", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    const { result, lo, hi } = await timed(() => runShort(s, "j1"));
    expect(result).toBe(2);
    expect(await readState(s)).toEqual({
      jobs: { waiting: expect.anything(), j1: rec({ at: within(lo, hi), t: "alpha", h: "test-alpha", s: "queued", c: within(lo, hi) }) },
      lists: { "queue:alpha": ["waiting", "j1"] },
    });
    expect(await s.redis.hget(s.key("jobs"), "j1")).toMatch(/^\{"at":\d+,"t":"alpha","h":"test-alpha"\}\n/);
  });

  it("takes Redis's clock to the millisecond as the run-at, in any millisecond of a second", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    let length = 1;
    await expectRunAtInEveryMillisecondWidth(s, "alpha", async (id) => expect(await runShort(s, id)).toBe(++length));
  });

  it("onto an empty queue it writes nothing and answers -1", async () => {
    const s = scope(redis());
    await seedScheduled(s, "alpha", "later");
    const before = await readState(s);
    expect(await runShort(s, "j1")).toBe(-1);
    expect(await readState(s)).toEqual(before);
  });

  it("an id that already exists is not written again: the reply is 0 and nothing changes, the queue included", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "waiting");
    await seedScheduled(s, "alpha", "taken");
    const before = await readState(s);
    expect(await runShort(s, "taken")).toBe(0);
    expect(await readState(s)).toEqual(before);
  });

  it("a Redis error inside it (a jobs key that is not a hash) fails the call as a RedisCommandError naming the operation", async () => {
    const s = scope(redis());
    await s.redis.rpush(s.key("queue:alpha"), "waiting");
    await s.redis.set(s.key("jobs"), "not a hash");
    const lengths: QueueLengths = new Map([["alpha", 1000]]);
    const failed = scheduleOne(s.runner, entry("j1"), lengths);
    await expect(failed).rejects.toBeInstanceOf(RedisCommandError);
    await expect(failed).rejects.toThrow(/redis\.schedule.*WRONGTYPE/s);
  });
});

describe("scheduleOne: the script a job due now at priority 0 goes by", () => {
  it(`goes by scheduleOne.lua until the queue it saw holds ${BUSY} jobs, then by the two-key script, which keeps the length up to date`, async () => {
    const s = scope(redis());
    const lengths: QueueLengths = new Map();
    await s.redis.config("RESETSTAT");
    await scheduleMany(s, lengths, BUSY);
    expect(lengths.get("alpha")).toBe(BUSY);
    expect(await shortScriptCalls(s)).toBe(0);
    await scheduleMany(s, lengths, 3, "more");
    expect(await shortScriptCalls(s)).toBe(3);
    expect(lengths.get("alpha")).toBe(BUSY + 3);
    const state = await readState(s);
    expect(state.lists!["queue:alpha"]).toHaveLength(BUSY + 3);
    expect(state.lists!["queue:alpha"]!.slice(-3)).toEqual(["more0", "more1", "more2"]);
  });

  it("a queue drained since it was seen: the short script writes nothing and scheduleOne.lua follows, which wakes a pool and registers the type as for the first job of any burst", async () => {
    const s = scope(redis());
    const lengths: QueueLengths = new Map([["alpha", 1000]]);
    await s.redis.config("RESETSTAT");
    const result = await scheduleOne(s.runner, entry("j1"), lengths);
    expect(result).toEqual({ id: "j1", created: true });
    expect(await shortScriptCalls(s)).toBe(1);
    expect(lengths.has("alpha")).toBe(false);
    const state = await readState(s);
    expect(Object.keys(state.jobs!)).toEqual(["j1"]);
    expect(state.lists).toEqual({ "queue:alpha": ["j1"], "wake:alpha": ["1"] });
    expect(state.sets).toEqual({ types: ["alpha"] });
  });

  it("after a drained queue, a pool waiting idle is handed the job, as scheduleOne.lua hands any", async () => {
    const s = scope(redis());
    const lengths: QueueLengths = new Map([["alpha", 1000]]);
    await s.redis.zadd(s.key("idle:alpha"), Date.now() + 5000, "30000:pool-1");
    expect(await scheduleOne(s.runner, entry("j1"), lengths)).toEqual({ id: "j1", created: true, handedTo: "pool-1" });
    expect((await readState(s)).lists).toEqual({ "handoff:alpha": [expect.stringMatching(/^2:j1\{"s":"executing"/)] });
  });

  it("an existing id onto a busy queue: not created, and the length seen is kept", async () => {
    const s = scope(redis());
    const lengths: QueueLengths = new Map();
    await scheduleMany(s, lengths, BUSY);
    await seedScheduled(s, "alpha", "taken");
    const before = await readState(s);
    expect(await scheduleOne(s.runner, entry("taken"), lengths)).toEqual({ id: "taken", created: false });
    expect(await readState(s)).toEqual(before);
    expect(lengths.get("alpha")).toBe(BUSY);
  });

  it("a job with a delay or a priority goes by scheduleOne.lua whatever the queue held", async () => {
    const s = scope(redis());
    const lengths: QueueLengths = new Map();
    await scheduleMany(s, lengths, BUSY);
    await s.redis.config("RESETSTAT");
    await scheduleOne(s.runner, entry("later", { delayMs: 60_000 }), lengths);
    await scheduleOne(s.runner, entry("urgent", { priority: 3 }), lengths);
    expect(await shortScriptCalls(s)).toBe(0);
    const state = await readState(s);
    expect(Object.keys(state.zsets!).sort()).toEqual(["ready:alpha", "scheduled:alpha"]);
    expect(state.lists!["queue:alpha"]).toHaveLength(BUSY);
  });
});
