import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createMetrics, METRICS } from "typed-jobs/metrics";
import { JOB_STATUSES } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { seedRecord, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { parseExposition, samplesOf } from "./prometheus-text.js";

// The Prometheus collector on real Redis: a pool runs a known mix of outcomes, and the registry's text
// holds exactly those counts, one histogram sample per attempt, and gauges equal to counts().

type Task = { mode: "ok" | "fail" | "flaky" | "invalid" };
type M = { task: Task; idle: Task };
// The producer accepts any payload; the pool's schema refuses mode "invalid", so that job is rejected.
const lenient = { task: jobType<Task>("task", anyPayload), idle: jobType<Task>("idle", anyPayload) };
const strict = { task: jobType<Task>("task", (v) => (v as Task).mode !== "invalid"), idle: jobType<Task>("idle", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("Prometheus metrics (typed-jobs/metrics)", () => {
  it("after a known mix (finished, failed, retried, rejected) the text output holds exactly those counts, one histogram sample per attempt, and gauges equal to counts()", async () => {
    const { jobs, namespace } = bundle<M>(lenient);
    const runtime = bundle<M>(strict, { namespace });
    const registry = new Registry();
    const metrics = createMetrics({ registry, jobs });

    // Every series of every contract type exists at zero before any work.
    const before = parseExposition(await registry.metrics()).samples;
    for (const type of ["task", "idle"]) {
      expect(before.get(`${METRICS.scheduled}{type="${type}"}`)).toBe(0);
      for (const outcome of ["finished", "retried", "failed", "rejected", "cancelled"]) expect(before.get(`${METRICS.processed}{type="${type}",outcome="${outcome}"}`)).toBe(0);
      for (const reason of ["schema", "migration", "record", "other"]) expect(before.get(`${METRICS.rejected}{type="${type}",reason="${reason}"}`)).toBe(0);
      expect(before.get(`${METRICS.leaseRecoveries}{type="${type}"}`)).toBe(0);
      expect(before.get(`${METRICS.handlerDuration}_count{type="${type}"}`)).toBe(0);
      expect(before.get(`${METRICS.queueWait}_count{type="${type}"}`)).toBe(0);
    }

    const flakyRuns = new Map<string, number>();
    const pool = runtime.pool({
      handlers: {
        task: ({ mode }, job) => {
          if (mode === "fail") throw new Error("boom");
          if (mode === "flaky") {
            flakyRuns.set(job.id, (flakyRuns.get(job.id) ?? 0) + 1);
            if (flakyRuns.get(job.id) === 1) throw new Error("first try fails");
          }
        },
        idle: () => undefined,
      },
    });
    metrics.observePool(pool);
    for (let i = 0; i < 3; i++) await jobs.schedule("task", { mode: "ok" });
    await jobs.scheduleBulk("task", [{ mode: "fail" }, { mode: "fail" }]);
    await jobs.schedule("task", { mode: "flaky" }, { retries: 1, backoff: { type: "fixed", delay: 1 } });
    await jobs.schedule("task", { mode: "invalid" });
    // The same id again creates nothing, and is not counted.
    await jobs.schedule("task", { mode: "ok" }, { id: "once" });
    await jobs.schedule("task", { mode: "ok" }, { id: "once" });
    await pool.start();

    const processed = (s: Map<string, number>) => ["finished", "retried", "failed", "rejected"].reduce((n, o) => n + (s.get(`${METRICS.processed}{type="task",outcome="${o}"}`) ?? 0), 0);
    await waitUntil(async () => processed(parseExposition(await registry.metrics()).samples) === 9);
    await pool.close();

    const { samples, help } = parseExposition(await registry.metrics());
    expect(samples.get(`${METRICS.scheduled}{type="task"}`)).toBe(8);
    expect(samples.get(`${METRICS.processed}{type="task",outcome="finished"}`)).toBe(5);
    expect(samples.get(`${METRICS.processed}{type="task",outcome="retried"}`)).toBe(1);
    expect(samples.get(`${METRICS.processed}{type="task",outcome="failed"}`)).toBe(2);
    expect(samples.get(`${METRICS.processed}{type="task",outcome="rejected"}`)).toBe(1);
    expect(samples.get(`${METRICS.processed}{type="task",outcome="cancelled"}`)).toBe(0);
    expect(samples.get(`${METRICS.rejected}{type="task",reason="schema"}`)).toBe(1);
    expect(samples.get(`${METRICS.rejected}{type="task",reason="record"}`)).toBe(0);
    // Nine attempts: every one waited; the rejected one ran no handler.
    expect(samples.get(`${METRICS.queueWait}_count{type="task"}`)).toBe(9);
    expect(samples.get(`${METRICS.handlerDuration}_count{type="task"}`)).toBe(8);
    expect(samples.get(`${METRICS.handlerDuration}_bucket{le="+Inf",type="task"}`)).toBe(8);
    // The other type saw nothing and still has every series.
    expect(samplesOf(samples, METRICS.processed, "idle")).toEqual(Object.fromEntries(["finished", "retried", "failed", "rejected", "cancelled"].map((o) => [`${METRICS.processed}{type="idle",outcome="${o}"}`, 0])));
    for (const name of Object.values(METRICS)) expect(help.get(name), name).toMatch(/\S/);

    const counts = await jobs.counts();
    for (const type of ["task", "idle"] as const) {
      for (const status of JOB_STATUSES) expect(samples.get(`${METRICS.jobs}{type="${type}",status="${status}"}`), `${type} ${status}`).toBe(counts.byType[type]![status]);
    }
    expect(samples.get(`${METRICS.redisUp}`)).toBe(1);
    expect(samples.get(`${METRICS.pools}`)).toBe(0);
  });

  it("gauges follow Redis at each scrape: queued and delayed jobs, the oldest due job's age, paused types, live pools", async () => {
    const { jobs } = bundle<M>(lenient);
    const registry = new Registry();
    createMetrics({ registry, jobs });
    await jobs.scheduleBulk("task", [{ mode: "ok" }, { mode: "ok" }], { runAt: Date.now() - 60_000 });
    await jobs.schedule("task", { mode: "ok" }, { delay: "1h" });
    await jobs.pause("idle");
    const { samples } = parseExposition(await registry.metrics());
    expect(samples.get(`${METRICS.jobs}{type="task",status="queued"}`)).toBe(3);
    expect(samples.get(`${METRICS.delayed}{type="task"}`)).toBe(1);
    expect(samples.get(`${METRICS.oldestDueAge}{type="task"}`)).toBeGreaterThanOrEqual(60);
    expect(samples.get(`${METRICS.oldestDueAge}{type="idle"}`)).toBe(0);
    expect(samples.get(`${METRICS.paused}{type="idle"}`)).toBe(1);
    expect(samples.get(`${METRICS.paused}{type="task"}`)).toBe(0);
  });

  it("a scrape costs the same number of Redis commands with 3 jobs as with 2,000", async () => {
    const { jobs } = bundle<M>(lenient);
    const registry = new Registry();
    createMetrics({ registry, jobs });
    const commandsOf = async (): Promise<number> => {
      const before = Number(/total_commands_processed:(\d+)/.exec(await redis().info("stats"))![1]);
      await registry.metrics();
      const after = Number(/total_commands_processed:(\d+)/.exec(await redis().info("stats"))![1]);
      return after - before;
    };
    await jobs.scheduleBulk("task", [{ mode: "ok" }, { mode: "ok" }, { mode: "ok" }]);
    await registry.metrics(); // the first scrape loads the scripts
    const few = await commandsOf();
    await jobs.scheduleBulk("task", Array.from({ length: 2000 }, () => ({ mode: "ok" as const })));
    expect(await commandsOf()).toBe(few);
  });

  it("lease recoveries and unreadable records count by type and reason, in the process whose pool found them", async () => {
    const { jobs, namespace, pool } = bundle<M>(lenient);
    const registry = new Registry();
    const metrics = createMetrics({ registry, jobs, gauges: false });
    const at = Date.now() - 5000;
    // A job a dead pool held, its lease long expired; and a job whose recurrence no pool can read.
    await seedRecord(redis(), namespace, "task", "orphan", `{"at":${at},"t":"task","s":"executing","a":1,"w":"deadPool","st":${at}}\n{"mode":"ok"}`, "executing", at);
    await seedRecord(redis(), namespace, "task", "unreadable", `{"at":${at},"t":"task","cr":"not a cron"}\n{"mode":"ok"}`, "queue");
    const p = pool({ handlers: { task: () => undefined, idle: () => undefined } });
    metrics.observePool(p);
    await p.start();
    const read = async () => parseExposition(await registry.metrics()).samples;
    await waitUntil(async () => (await read()).get(`${METRICS.processed}{type="task",outcome="finished"}`) === 1 && (await read()).get(`${METRICS.processed}{type="task",outcome="rejected"}`) === 1);
    const samples = await read();
    expect(samples.get(`${METRICS.leaseRecoveries}{type="task"}`)).toBe(1);
    expect(samples.get(`${METRICS.leaseRecoveries}{type="idle"}`)).toBe(0);
    expect(samples.get(`${METRICS.rejected}{type="task",reason="record"}`)).toBe(1);
    expect(samples.get(`${METRICS.rejected}{type="task",reason="schema"}`)).toBe(0);
    expect(samples.has(METRICS.redisUp)).toBe(false);
  });

  it("a scrape while Redis is out of reach answers with typed_jobs_redis_up 0 and no gauge samples, and the counters", async () => {
    const registry = new Registry();
    createMetrics({ registry, types: ["task"], gauges: { stats: () => Promise.reject(new Error("Redis away")) } });
    const { samples } = parseExposition(await registry.metrics());
    expect(samples.get(METRICS.redisUp)).toBe(0);
    expect([...samples.keys()].filter((k) => k.startsWith(METRICS.jobs + "{"))).toEqual([]);
    expect(samples.get(`${METRICS.scheduled}{type="task"}`)).toBe(0);
  });
});
