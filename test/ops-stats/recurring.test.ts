import { describe, expect, it } from "vitest";
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
});
