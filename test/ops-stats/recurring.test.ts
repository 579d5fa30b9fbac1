import { describe, expect, it, vi } from "vitest";
import { KeySpace } from "../../src/redis/keys.js";
import { ScriptRunner } from "../../src/redis/script-runner.js";
import { pruneRecurring } from "../../src/redis/scripts/prune-recurring.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";

// recurring(): every recurring job that will run again, next run first, read from the recurring
// index (scheduleRecurring and reschedule.lua fill it) instead of every delayed job.

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

type M = { tick: { n: number }; report: { n: number } };
const types = { tick: jobType<{ n: number }>("tick", anyPayload), report: jobType<{ n: number }>("report", anyPayload) };

describe("recurring()", () => {
  it("lists every recurring job next run first, and none of the one-off delayed jobs", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const hour = 3_600_000;
    const later = await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1h" }, { runAt: Date.now() + 3 * hour });
    const sooner = await jobs.scheduleRecurring("report", { n: 2 }, { cron: "0 3 * * *", timezone: "Europe/Paris" });
    const soonest = await jobs.scheduleRecurring("tick", { n: 3 }, { every: "1m" }, { runAt: Date.now() + 1000 });
    await jobs.scheduleBulk("tick", Array.from({ length: 2000 }, (_, n) => ({ n })), { delay: "2h" });
    const listed = await jobs.recurring();
    const expected = [soonest, sooner, later].sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
    expect(listed.map((j) => j.id)).toEqual(expected.map((j) => j.id));
    expect(listed.map((j) => j.recurrence)).toEqual(expected.map((j) => j.recurrence));
    // The index holds the recurring jobs only: reading it costs what they cost.
    expect(await redis().scard(`tj:{${namespace}}:recurring`)).toBe(3);
  });

  it("follows reschedules: a job made one-off leaves the list (and the index), one made recurring joins it", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const recurring = await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1h" });
    const oneOff = await jobs.schedule("tick", { n: 2 }, { delay: "1h" });
    await recurring.reschedule({ delay: "1m" }, { recurrence: null });
    await oneOff.reschedule({ delay: "5m" }, { every: "10m" });
    expect((await jobs.recurring()).map((j) => j.id)).toEqual([oneOff.id]);
    expect(await redis().smembers(`tj:{${namespace}}:recurring`)).toEqual([oneOff.id]);
  });

  it("drops destroyed jobs and leaves out ended ones, which a retry could bring back", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const destroyed = await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1h" });
    const cancelled = await jobs.scheduleRecurring("tick", { n: 2 }, { every: "1h" });
    const kept = await jobs.scheduleRecurring("report", { n: 3 }, { every: "1h" });
    await destroyed.destroy();
    await cancelled.cancel();
    expect((await jobs.recurring()).map((j) => j.id)).toEqual([kept.id]);
    expect((await redis().smembers(`tj:{${namespace}}:recurring`)).sort()).toEqual([cancelled.id, kept.id].sort());
  });

  it("an id scheduled twice (an existing job returned) stays listed once", async () => {
    const { jobs } = bundle<M>(types);
    await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1h" }, { id: "nightly" });
    await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1h" }, { id: "nightly" });
    expect((await jobs.recurring()).map((j) => j.id)).toEqual(["nightly"]);
  });

  it("a reader that found an id stale before its job was scheduled drops nothing: the prune checks again", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const index = `tj:{${namespace}}:recurring`;
    // The reader's first half: the index names "nightly" (indexed ahead of its schedule, or a job
    // destroyed and made again under the same id) and the record is not there yet.
    await redis().sadd(index, "nightly", "gone");
    const seen = await redis().hmget(`tj:{${namespace}}:jobs`, "nightly", "gone");
    expect(seen).toEqual([null, null]);
    // Meanwhile the job is scheduled; then the reader's second half prunes what it judged stale.
    await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1h" }, { id: "nightly" });
    const removed = await pruneRecurring(new ScriptRunner(redis(), new KeySpace("tj:", namespace)), ["nightly", "gone"], "recurring");
    expect(removed).toBe(1);
    expect(await redis().smembers(index)).toEqual(["nightly"]);
    expect((await jobs.recurring()).map((j) => j.id)).toEqual(["nightly"]);
  });

  it("a recurring job missing from the index (scheduled, not yet indexed) is left alone and joins on its next run", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const index = `tj:{${namespace}}:recurring`;
    const job = await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1h" }, { runAt: Date.now() });
    // The state between scheduleRecurring's two steps, or of a job made before the index existed.
    await redis().srem(index, job.id);
    expect(await jobs.recurring()).toEqual([]);
    expect(await redis().hexists(`tj:{${namespace}}:jobs`, job.id)).toBe(1);
    let runs = 0;
    await pool({ handlers: { tick: () => void runs++ } }).start();
    await vi.waitFor(async () => expect(await redis().sismember(index, job.id)).toBe(1));
    expect(runs).toBe(1);
    const listed = await jobs.recurring();
    expect(listed.map((j) => [j.id, j.status])).toEqual([[job.id, "queued"]]);
    expect(listed[0]!.runAt.getTime()).toBeGreaterThan(Date.now());
  });
});
