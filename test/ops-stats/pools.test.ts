import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { requeueExpired } from "../../src/redis/scripts/requeue-expired.js";
import { extendLease } from "../../src/redis/scripts/extend-lease.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { scope } from "../redis/seed.js";

// pools(): each pool publishes its description with its heartbeat (extendLease.lua, into poolinfo);
// a closing pool removes it, the lease reaper drops a dead pool's, and readers skip a stale one.

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

type M = { alpha: { n: number }; beta: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload) };

const info = (fields: Record<string, unknown> = {}) => JSON.stringify({ host: "h", pid: 1, types: ["alpha"], concurrency: 2, running: 0, startedAt: 1000, leaseMs: 30_000, ...fields });

describe("pools()", () => {
  it("lists two live pools with host, pid, types, concurrency, running jobs and heartbeat; a closed pool leaves the list and its info", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const startedBefore = Date.now();
    const one = pool({ handlers: { alpha: () => held }, concurrency: 3, heartbeatInterval: 50 });
    const two = pool({ handlers: { beta: () => undefined }, concurrency: 7 });
    await one.start();
    await two.start();
    await jobs.schedule("alpha", { n: 1 });
    await waitUntil(async () => (await jobs.pools()).some((p) => p.id === one.id && p.running === 1));
    await waitUntil(async () => (await jobs.pools()).length === 2);
    const pools = await jobs.pools();
    const byId = Object.fromEntries(pools.map((p) => [p.id, p]));
    expect(pools.map((p) => p.id)).toEqual([one.id, two.id].sort());
    expect(byId[one.id]).toMatchObject({ host: hostname(), pid: process.pid, types: ["alpha"], concurrency: 3, running: 1 });
    expect(byId[two.id]).toMatchObject({ host: hostname(), pid: process.pid, types: ["beta"], concurrency: 7, running: 0 });
    for (const p of pools) {
      expect(p.startedAt.getTime()).toBeGreaterThanOrEqual(startedBefore);
      expect(p.lastHeartbeat.getTime()).toBeGreaterThanOrEqual(p.startedAt.getTime() - 5);
      expect(Date.now() - p.lastHeartbeat.getTime()).toBeLessThan(15_000);
    }
    release();
    await two.close();
    expect((await jobs.pools()).map((p) => p.id)).toEqual([one.id]);
    expect(await redis().hkeys(`tj:{${namespace}}:poolinfo`)).toEqual([one.id]);
  });

  it("skips a pool whose heartbeat is older than twice its lease, and one whose info cannot be read", async () => {
    const s = scope(redis());
    const [seconds] = await redis().time();
    const now = Number(seconds) * 1000;
    await redis().zadd(s.key("pools"), now - 70_000, "dead", now - 1000, "alive", now - 1000, "garbled", now - 1000, "silent");
    await redis().hset(s.key("poolinfo"), { dead: info(), alive: info({ types: ["beta"] }), garbled: "{not json" });
    const { openOperations } = await import("typed-jobs");
    const ops = openOperations({ redis: server().url, namespace: s.ns });
    try {
      expect((await ops.pools()).map((p) => [p.id, p.types])).toEqual([["alive", ["beta"]]]);
    } finally {
      await ops.close();
    }
  });

  it("extendLease.lua writes the info beside the heartbeat; requeueExpired.lua drops both for a dead pool", async () => {
    const s = scope(redis());
    await extendLease(s.runner, "p1", 30_000, [], info({ pid: 11 }));
    await extendLease(s.runner, "p2", 30_000, [], info({ pid: 22 }));
    expect(await redis().hgetall(s.key("poolinfo"))).toEqual({ p1: info({ pid: 11 }), p2: info({ pid: 22 }) });
    // Without info (an older caller) only the heartbeat moves.
    await extendLease(s.runner, "p1", 30_000, []);
    expect(await redis().hget(s.key("poolinfo"), "p1")).toBe(info({ pid: 11 }));
    await redis().zadd(s.key("pools"), "1000", "p2");
    await requeueExpired(s.runner, { types: ["alpha"], limit: 10, maxRecoveries: 3, stalePoolMs: 60_000 });
    expect(await redis().zrange(s.key("pools"), "0", "-1")).toEqual(["p1"]);
    expect(await redis().hgetall(s.key("poolinfo"))).toEqual({ p1: info({ pid: 11 }) });
  });
});
