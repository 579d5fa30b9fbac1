import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createJobs, RedisCommandError, type Jobs } from "typed-jobs";
import { RedisServer, waitUntil } from "../support/redis-server.js";
import { drainAndAudit, jobsKey, setCounts } from "./support/audit.js";
import { ChildPool, killAll } from "./support/child-pool.js";
import { execKey, faultTypes, type FaultJobs } from "./support/contract.js";

// Redis at maxmemory with noeviction: a schedule fails with a clear error and writes nothing, not
// even part of a bulk; the pool keeps running through it and finishes everything once memory frees.

const NS = "oom";
let server: RedisServer;
let redis: Redis;
let jobs: Jobs<FaultJobs>;
const children: ChildPool[] = [];

beforeAll(async () => {
  server = await RedisServer.start({ extraArgs: ["--maxmemory-policy", "noeviction"] });
  redis = server.client();
  jobs = createJobs<FaultJobs>(faultTypes, { redis: server.url, namespace: NS });
});
afterAll(async () => {
  await killAll(children);
  await jobs.close();
  redis.disconnect();
  await server.stop();
});

/**
 * Lowers maxmemory to just above what is used, writes ballast until Redis refuses a write, then pins
 * maxmemory below the memory in use: freed client buffers must not end the OOM before the test does.
 */
async function fillMemory(): Promise<number> {
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]);
  await redis.config("SET", "maxmemory", String((await usedMemory()) + 2 * 1024 * 1024));
  const chunk = "x".repeat(64 * 1024);
  for (let i = 0; ; i++) {
    const refused = await redis.set(`ballast:${i}`, chunk).then(() => false, (e: Error) => /OOM/.test(e.message));
    if (refused) {
      await redis.config("SET", "maxmemory", String((await usedMemory()) - 1024 * 1024));
      return i;
    }
  }
}

/** Everything the namespace holds, to compare before and after a refused write. */
async function state(): Promise<unknown> {
  return { records: await redis.hlen(jobsKey(NS)), sets: await setCounts(redis, NS), types: await redis.smembers(`tj:{${NS}}:types`) };
}

describe("Redis at maxmemory with noeviction", () => {
  it("refuses a schedule whole with a RedisCommandError naming OOM, and the pool lives on", async () => {
    const pool = await ChildPool.start({ redisUrl: server.url, namespace: NS, tag: "p", concurrency: 10, lease: "1s" });
    children.push(pool);
    // Some jobs are running when memory runs out: their settle and heartbeat are refused for a while.
    const running = await jobs.scheduleBulk("work", Array.from({ length: 5 }, (_, n) => ({ n, ms: 500 })));
    await waitUntil(async () => (await redis.hlen(execKey(NS))) === 5, 30_000);

    const ballast = await fillMemory();
    const before = await state();
    const bulk = await jobs.scheduleBulk("work", Array.from({ length: 500 }, (_, n) => ({ n }))).catch((e: unknown) => e);
    expect(bulk).toBeInstanceOf(RedisCommandError);
    expect((bulk as RedisCommandError).message).toMatch(/OOM/);
    expect((bulk as RedisCommandError).op).toBe("redis.schedule");
    const single = await jobs.schedule("work", { n: 1 }, { id: "during-oom" }).catch((e: unknown) => e);
    expect(single).toBeInstanceOf(RedisCommandError);
    expect((single as RedisCommandError).message).toMatch(/OOM/);
    // Calls of one tick go to Redis as one script call: each of them is refused with its error.
    const tick = await Promise.allSettled([1, 2, 3].map((n) => jobs.schedule("work", { n }, { id: `tick-${n}` })));
    for (const call of tick) {
      expect(call.status).toBe("rejected");
      const reason = (call as PromiseRejectedResult).reason as RedisCommandError;
      expect(reason).toBeInstanceOf(RedisCommandError);
      expect(reason.message).toMatch(/OOM/);
    }
    expect(await state()).toEqual(before);
    expect(await redis.hexists(jobsKey(NS), "during-oom")).toBe(0);

    // The pool hears OOM on its own writes (claim, heartbeat, settle) and keeps going.
    await waitUntil(() => pool.errors.some((e) => /OOM/.test(e.message)), 30_000, "the pool never met the OOM");
    expect(pool.alive).toBe(true);

    await redis.del(...Array.from({ length: ballast }, (_, i) => `ballast:${i}`));
    await redis.config("SET", "maxmemory", "0");
    const after = await jobs.scheduleBulk("work", Array.from({ length: 200 }, (_, n) => ({ n })));
    const audit = await drainAndAudit(redis, NS);
    expect(audit.records).toBe(205);
    expect(audit.counts).toMatchObject({ finished: 205, failed: 0 });
    for (const job of [...running, ...after]) {
      const runs = audit.executions.get(job.id) ?? 0;
      expect(runs, `executions of ${job.id}`).toBeGreaterThanOrEqual(1);
      expect(runs, `executions of ${job.id}`).toBeLessThanOrEqual(1 + (audit.headers.get(job.id)!.rc ?? 0));
    }
    expect(pool.alive).toBe(true);
  });
});
