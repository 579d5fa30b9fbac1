import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { requeueExpired } from "../../src/redis/scripts/requeue-expired.js";
import { settle, type Settlement } from "../../src/redis/scripts/settle.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { T0, scope, seedExecuting, type Scope } from "../redis/seed.js";

// The per-minute throughput series settle.lua keeps in throughput:<type>: jobs finished and attempts
// failed (retried or not; and jobs the lease reaper fails) per minute of Redis's clock, 24 h of them,
// pruned as time goes.

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

const MINUTE = 60_000;
const KEPT = 1440;

async function redisMinute(client: Redis): Promise<number> {
  const [seconds, micros] = await client.time();
  return Math.floor((Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)) / MINUTE);
}

/**
 * Runs `work` until it starts and ends within one minute of Redis's clock (at most twice: a run
 * that straddles a minute boundary is tried again), and returns that minute.
 */
async function withinOneMinute(client: Redis, work: () => Promise<void>): Promise<number> {
  for (;;) {
    const before = await redisMinute(client);
    await work();
    if ((await redisMinute(client)) === before) return before;
  }
}

const ok = (id: string): Settlement => ({ id, attempt: 1, type: "alpha", outcome: "ok", retryDelayMs: 0, nextRunAt: undefined });
const boom = (id: string, retryDelayMs = 60_000): Settlement => ({ ...ok(id), outcome: "error", error: { name: "Error", message: "boom" }, retryDelayMs });

async function seedAttempts(s: Scope, ids: readonly string[], fields: Record<string, unknown> = {}): Promise<void> {
  for (const id of ids) await seedExecuting(s, "alpha", id, fields);
}

describe("settle.lua's throughput series", () => {
  it("counts finished jobs and failed attempts (retried, failed, rejected; a cancelled one not) in the current minute, one counter each", async () => {
    let s!: Scope;
    const minute = await withinOneMinute(redis(), async () => {
      s = scope(redis());
      await seedAttempts(s, ["a", "b", "c"]);
      await seedAttempts(s, ["r"], { r: 3 });
      await seedAttempts(s, ["f", "x"]);
      await seedAttempts(s, ["cx"], { cx: true });
      await settle(s.runner, "pool-a", [ok("a"), ok("b"), boom("r"), boom("f"), { ...boom("x"), outcome: "reject" }, ok("cx")]);
      await settle(s.runner, "pool-a", [ok("c")]);
    });
    expect(await redis().hgetall(s.key("throughput:alpha"))).toEqual({ [`${minute}:finished`]: "3", [`${minute}:failed`]: "3", last: String(minute) });
    const ttl = await redis().pttl(s.key("throughput:alpha"));
    expect(ttl).toBeGreaterThan((KEPT - 1) * MINUTE);
    expect(ttl).toBeLessThanOrEqual((KEPT + 1) * MINUTE);
  });

  it("stale, gone and corrupt settles count nothing", async () => {
    const s = scope(redis());
    await seedAttempts(s, ["a"], { a: 2 });
    expect(await settle(s.runner, "pool-a", [ok("a"), ok("gone")])).toEqual(["stale", "gone"]);
    expect(await redis().exists(s.key("throughput:alpha"))).toBe(0);
  });

  it("with throughput off (PoolTuning.throughput: false) writes no series", async () => {
    const s = scope(redis());
    await seedAttempts(s, ["a", "b"]);
    expect(await settle(s.runner, "pool-a", [ok("a"), boom("b", 0)], { throughput: false })).toEqual(["finished", "failed"]);
    expect(await redis().exists(s.key("throughput:alpha"))).toBe(0);
  });

  it("jobs the lease reaper fails (recoveries exhausted) count as failed, one write per type and call; requeued ones do not", async () => {
    let s!: Scope;
    const minute = await withinOneMinute(redis(), async () => {
      s = scope(redis());
      await seedExecuting(s, "alpha", "spent-1", { rc: 3 }, T0);
      await seedExecuting(s, "alpha", "spent-2", { rc: 3 }, T0);
      await seedExecuting(s, "alpha", "again", { rc: 1 }, T0);
      const recovered = await requeueExpired(s.runner, { types: ["alpha"], limit: 10, maxRecoveries: 3, stalePoolMs: 60_000 });
      expect(recovered.map((r) => `${r.id} ${r.outcome}`).sort()).toEqual(["again requeued", "spent-1 failed", "spent-2 failed"]);
    });
    expect(await redis().hgetall(s.key("throughput:alpha"))).toEqual({ [`${minute}:failed`]: "2", last: String(minute) });
  });

  it("the lease reaper of a pool with throughput off counts nothing", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "spent", { rc: 3 }, T0);
    await requeueExpired(s.runner, { types: ["alpha"], limit: 10, maxRecoveries: 3, stalePoolMs: 60_000, throughput: false });
    expect(await redis().exists(s.key("throughput:alpha"))).toBe(0);
  });

  it("the first write of a minute drops the minutes older than 24 h, and keeps the 1440 latest", async () => {
    let s!: Scope;
    let now!: number;
    const minute = await withinOneMinute(redis(), async () => {
      s = scope(redis());
      now = await redisMinute(redis());
      const key = s.key("throughput:alpha");
      // Written 100 minutes ago: the series then held (now - 1540, now - 100].
      await redis().hset(key, {
        [`${now - 1539}:finished`]: 1, [`${now - 1539}:failed`]: 1,
        [`${now - KEPT}:finished`]: 2,
        [`${now - KEPT + 1}:failed`]: 3,
        [`${now - 100}:finished`]: 4,
        last: now - 100,
      });
      await seedAttempts(s, ["a"]);
      await settle(s.runner, "pool-a", [ok("a")]);
    });
    expect(minute).toBe(now);
    expect(await redis().hgetall(s.key("throughput:alpha"))).toEqual({
      [`${now - KEPT + 1}:failed`]: "3",
      [`${now - 100}:finished`]: "4",
      [`${now}:finished`]: "1",
      last: String(now),
    });
  });

  it("after a silence longer than 24 h, the first write drops the whole old window", async () => {
    let s!: Scope;
    let now!: number;
    await withinOneMinute(redis(), async () => {
      s = scope(redis());
      now = await redisMinute(redis());
      await redis().hset(s.key("throughput:alpha"), { [`${now - 3000}:finished`]: 9, [`${now - 3000 - KEPT + 1}:failed`]: 9, last: now - 3000 });
      await seedAttempts(s, ["a"]);
      await settle(s.runner, "pool-a", [ok("a")]);
    });
    expect(await redis().hgetall(s.key("throughput:alpha"))).toEqual({ [`${now}:finished`]: "1", last: String(now) });
  });
});

describe("throughput(type, minutes)", () => {
  type M = { work: { fail: number } };

  it("holds the per-minute counts of a known run: 30 finished and 7 failed attempts", async () => {
    const { jobs, pool } = bundle<M>({ work: jobType<{ fail: number }>("work", anyPayload) });
    const failures = new Map<string, number>();
    const p = pool({ handlers: { work: (payload, job) => {
      const failed = failures.get(job.id) ?? 0;
      if (failed < payload.fail) {
        failures.set(job.id, failed + 1);
        throw new Error("boom");
      }
    } }, concurrency: 8 });
    const first = await redisMinute(redis());
    // 30 jobs finish (3 of them after failing twice), and 1 fails once with no retry left: 7 failed attempts.
    await jobs.scheduleBulk("work", Array.from({ length: 27 }, () => ({ fail: 0 })));
    await jobs.scheduleBulk("work", Array.from({ length: 3 }, () => ({ fail: 2 })), { retries: 2, backoff: "none" });
    await jobs.schedule("work", { fail: 1 });
    await p.start();
    await waitUntil(async () => {
      const c = (await jobs.counts()).byType.work!;
      return c.finished === 30 && c.failed === 1;
    });
    const last = await redisMinute(redis());
    const points = await jobs.throughput("work", 3);
    expect(points.map((point) => point.minute.getTime())).toEqual([last - 2, last - 1, last].map((m) => m * MINUTE));
    // The run may straddle a minute boundary: then its counts are split between the two minutes.
    const during = points.filter((point) => point.minute.getTime() >= first * MINUTE);
    expect(during.reduce((sum, point) => sum + point.finished, 0)).toBe(30);
    expect(during.reduce((sum, point) => sum + point.failed, 0)).toBe(7);
    // stats() sums the same series over the last hour.
    expect((await jobs.stats()).lastHour.work).toEqual({ finished: 30, failed: 7 });
    if (first === last) expect(points).toEqual([0, 0].map((_, i) => ({ minute: new Date((last - 2 + i) * MINUTE), finished: 0, failed: 0 })).concat([{ minute: new Date(last * MINUTE), finished: 30, failed: 7 }]));
  });

  it("stats().lastHour sums the last 60 minutes of the series, the current one included, and nothing older", async () => {
    const { jobs, namespace } = bundle<M>({ work: jobType<{ fail: number }>("work", anyPayload) });
    const key = `tj:{${namespace}}:throughput:work`;
    let stats!: Awaited<ReturnType<typeof jobs.stats>>;
    let hour!: Awaited<ReturnType<typeof jobs.throughput>>;
    await withinOneMinute(redis(), async () => {
      const now = await redisMinute(redis());
      await redis().hset(key, { [`${now}:finished`]: 5, [`${now - 59}:finished`]: 7, [`${now - 59}:failed`]: 2, [`${now - 60}:finished`]: 100, [`${now - 60}:failed`]: 100, last: now });
      stats = await jobs.stats();
      hour = await jobs.throughput("work", 60);
    });
    expect(stats.lastHour).toEqual({ work: { finished: 12, failed: 2 } });
    // The same minutes as throughput(type, 60).
    expect(hour.reduce((sum, p) => sum + p.finished, 0)).toBe(12);
    expect(hour.reduce((sum, p) => sum + p.failed, 0)).toBe(2);
  });

  it("returns a point for every minute, zeros included, oldest first, at most 1440", async () => {
    const { jobs } = bundle<M>({ work: jobType<{ fail: number }>("work", anyPayload) });
    const points = await jobs.throughput("work");
    expect(points).toHaveLength(KEPT);
    expect(points.every((p) => p.finished === 0 && p.failed === 0)).toBe(true);
    for (let i = 1; i < points.length; i++) expect(points[i]!.minute.getTime() - points[i - 1]!.minute.getTime()).toBe(MINUTE);
    expect(await jobs.throughput("work", 5000)).toHaveLength(KEPT);
    expect(await jobs.throughput("work", 0)).toHaveLength(1);
  });
});
