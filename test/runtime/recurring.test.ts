import { describe, expect, it } from "vitest";
import type { JobSnapshot } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { eventsOf, expectJobState, recordEvents, setsHolding, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow TestRecurringJob, and its recurring faults: a burst of catch-up runs after downtime, one
// retry budget for the job's whole life (a failed run ended the recurrence for good).

type M = { tick: { n: number } };
const types = { tick: jobType<{ n: number }>("tick", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("recurring jobs (albrow TestRecurringJob)", () => {
  it("TestRecurringJob: an interval job runs again and again, each run at or after its slot, slots one interval apart", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.scheduleRecurring("tick", { n: 1 }, { every: 100 });
    expect(job.recurrence).toEqual({ every: 100 });
    const runs: JobSnapshot[] = [];
    // The default idle wait (5 s) must not pace the runs: the pool wakes for each next slot.
    await pool({ handlers: { tick: (_payload, running) => void runs.push(running.job) }, concurrency: 1 }).start();
    await waitUntil(() => runs.length >= 4);

    const slots = runs.slice(0, 4).map((r) => r.runAt.getTime());
    for (let i = 1; i < slots.length; i++) {
      const step = slots[i]! - slots[i - 1]!;
      expect(step).toBeGreaterThan(0);
      expect(step % 100).toBe(0);
    }
    for (const run of runs.slice(0, 4)) expect(run.startedAt!.getTime()).toBeGreaterThanOrEqual(run.runAt.getTime());
    expect(runs.map((r) => r.attempts).slice(0, 4)).toEqual([1, 2, 3, 4]);
    const now = await jobs.findJob(job.id);
    expect(["queued", "executing"]).toContain(now.status);
    if (now.status === "queued") expect(await setsHolding(redis(), namespace, "tick", job.id)).not.toHaveProperty("finished");
  });

  it("recurring catch-up: a job whose slots were missed runs once, then waits for its next slot, aligned to the interval", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const minute = 60_000;
    const firstSlot = Date.now() - 10.5 * minute;
    const job = await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1m" }, { runAt: firstSlot });
    let runs = 0;
    await pool({ handlers: { tick: () => void runs++ }, concurrency: 4 }).start();
    await waitUntil(async () => (await job.refresh()).attempts === 1 && job.status === "queued");
    expect(runs).toBe(1);
    const next = job.runAt.getTime();
    expect(next).toBeGreaterThan(Date.now());
    expect(next).toBeLessThanOrEqual(Date.now() + minute);
    expect((next - firstSlot) % minute).toBe(0);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("scheduled");
    expect(await setsHolding(redis(), namespace, "tick", job.id)).toEqual({ scheduled: next });
  });

  it("retry budget per run: a recurring job that spends all its retries is queued for its next slot, with a fresh budget", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const minute = 60_000;
    const slot = Date.now() - 1000;
    const job = await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1m" }, { runAt: slot, retries: 1, backoff: "none" });
    let calls = 0;
    const p = pool({
      handlers: {
        tick: () => {
          calls++;
          throw new Error("run failed");
        },
      },
    });
    const seen = recordEvents(p);
    await p.start();
    await waitUntil(async () => (await job.refresh()).attempts === 2 && job.status === "queued");
    expect(calls).toBe(2);
    expect(job).toMatchObject({ status: "queued", retries: 1, retriesLeft: 1, error: { message: "run failed" } });
    expect(job.runAt.getTime()).toBe(slot + minute);
    expect(await expectJobState(jobs, redis(), namespace, job.id, "queued")).toBe("scheduled");
    await waitUntil(() => eventsOf(seen, job.id).includes("failed"));
    expect([...eventsOf(seen, job.id)].sort()).toEqual(["failed", "retried", "started", "started"]);
  });

  it("a run that succeeds on its retry keeps the recurrence aligned to its original slot", async () => {
    const { jobs, pool } = bundle<M>(types);
    const minute = 60_000;
    const slot = Date.now() - 1000;
    const job = await jobs.scheduleRecurring("tick", { n: 1 }, { every: "1m" }, { runAt: slot, retries: 1, backoff: { type: "fixed", delay: 100 } });
    let calls = 0;
    await pool({
      handlers: {
        tick: () => {
          if (++calls === 1) throw new Error("first attempt fails");
        },
      },
    }).start();
    await waitUntil(async () => (await job.refresh()).attempts === 2 && job.status === "queued");
    expect(job.retriesLeft).toBe(1);
    expect(job.runAt.getTime()).toBe(slot + minute);
  });

  it("a cron job runs on its cron slots", async () => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.scheduleRecurring("tick", { n: 1 }, { cron: "* * * * * *" });
    expect(job.runAt.getTime() % 1000).toBe(0);
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    const runs: JobSnapshot[] = [];
    await pool({ handlers: { tick: (_payload, running) => void runs.push(running.job) } }).start();
    await waitUntil(() => runs.length >= 2);
    expect(runs[0]!.runAt.getTime() % 1000).toBe(0);
    expect(runs[1]!.runAt.getTime() % 1000).toBe(0);
    expect(runs[1]!.runAt.getTime()).toBeGreaterThan(runs[0]!.runAt.getTime());
    expect((await jobs.findJob(job.id)).recurrence).toEqual({ cron: "* * * * * *" });
  });
});
