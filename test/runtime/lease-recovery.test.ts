import { afterEach, describe, expect, it } from "vitest";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { blockedClientPorts, blockedPools, eventsOf, expectJobState, gate, headerOf, recordEvents, seedRecord, setsHolding, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { TcpProxy } from "../support/tcp-proxy.js";

// albrow purge_stale_pool and TestStalePoolsArePurged, as leases: any live pool puts back the jobs
// whose lease expired, continuously; a pool that is alive but slow keeps its jobs.
//
// A pool's reaper runs as it starts, so a seeded expired lease needs no short lease to be found. A
// short lease is given only to a pool meant to lose its job; pools meant to keep theirs get leases
// far longer than any pause of a loaded machine, and a short reapInterval where recovery must be quick.
const LIVE = { leaseTime: "10s", reapInterval: "50ms" } as const;

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** A job some pool claimed (attempt 1) and holds with a lease ending at `leaseEnd`. */
async function seedExecuting(namespace: string, id: string, poolId: string, leaseEnd: number, extra = ""): Promise<void> {
  const at = Date.now() - 5000;
  await seedRecord(redis(), namespace, "task", id, `{"at":${at},"t":"task","s":"executing","r":2,"a":1,"w":"${poolId}","st":${at}${extra}}\n{"n":1}`, "executing", leaseEnd);
}

describe("lease recovery (albrow purge_stale_pool, TestStalePoolsArePurged)", () => {
  it("TestPurgeStalePoolScript: only jobs with an expired lease are put back and run again; live leases are left alone", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const now = Date.now();
    const stale = ["s0", "s1", "s2", "s3"];
    const live = ["a0", "a1", "a2", "a3"];
    for (const id of stale) await seedExecuting(namespace, id, "stalePool", now - 1000);
    for (const id of live) await seedExecuting(namespace, id, "activePool", now + 60_000);
    await redis().zadd(`tj:{${namespace}}:pools`, now - 60_000, "stalePool");

    const ran: string[] = [];
    const p = pool({ handlers: { task: (_payload, job) => void ran.push(job.id) }, ...LIVE });
    const seen = recordEvents(p);
    await p.start();
    await waitUntil(async () => (await jobs.counts()).total.finished === 4);

    expect(ran.sort()).toEqual(stale);
    expect(seen.filter((e) => e.event === "recovered").flatMap((e) => e.ids).sort()).toEqual(stale);
    for (const id of stale) {
      await expectJobState(jobs, redis(), namespace, id, "finished");
      // A recovery is not a failure: no retry was spent, and the attempt count goes on.
      expect(await jobs.findJob(id)).toMatchObject({ poolId: p.id, attempts: 2, retriesLeft: 2 });
      expect((await headerOf(redis(), namespace, id)).rc).toBe(1);
    }
    for (const id of live) {
      await expectJobState(jobs, redis(), namespace, id, "executing");
      expect(await jobs.findJob(id)).toMatchObject({ poolId: "activePool", attempts: 1 });
    }
    expect(await redis().zscore(`tj:{${namespace}}:pools`, "stalePool")).toBeNull();
  });

  it("TestStalePoolsArePurged: a job left executing by a dead pool is started again by a new pool, which then owns it", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    await seedExecuting(namespace, "orphan", "deadPool", Date.now() - 1);
    const p = pool({ handlers: { task: () => undefined }, ...LIVE });
    const seen = recordEvents(p);
    await p.start();
    const job = await jobs.findJob("orphan");
    await waitForStatus(job, "finished");
    expect(job.poolId).toBe(p.id);
    // The pool emits "finished" once settle's reply is back, which can come after a reader sees the status.
    await waitUntil(async () => eventsOf(seen, "orphan").includes("finished"));
    // "recovered" comes from the reaper, "started" from the claim loop: their order is not defined.
    expect(eventsOf(seen, "orphan").sort()).toEqual(["finished", "recovered", "started"]);
  });

  it("a pool that is alive but whose job runs long keeps renewing its lease: no other pool takes the job", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const job = await jobs.schedule("task", { n: 1 });
    const release = gate();
    const calls: string[] = [];
    // Renewed every 100 ms, a lease of 2 s outlasts any pause of a loaded machine's event loop.
    const slow = pool({ handlers: { task: async () => (calls.push("slow"), release.promise) }, leaseTime: "2s", heartbeatInterval: "100ms" });
    await slow.start();
    await waitUntil(() => calls.length === 1);
    const other = pool({ handlers: { task: () => void calls.push("other") }, ...LIVE });
    const otherEvents = recordEvents(other);
    await other.start();

    const firstDeadline = (await setsHolding(redis(), namespace, "task", job.id)).executing!;
    // Wait until the first lease would have run out half a second ago, renewed meanwhile: the other
    // pool's reaper (every 50 ms) has looked many times since.
    await waitUntil(async () => Date.now() > firstDeadline + 500 && ((await setsHolding(redis(), namespace, "task", job.id)).executing ?? 0) > firstDeadline + 500);
    expect(calls).toEqual(["slow"]);
    expect(otherEvents.filter((e) => e.event === "recovered")).toEqual([]);
    expect(await jobs.findJob(job.id)).toMatchObject({ status: "executing", attempts: 1, poolId: slow.id });

    release.open();
    await waitForStatus(job, "finished");
    expect(calls).toEqual(["slow"]);
  });

  it("a pool cut off from Redis loses its job to a live pool; its late result, once back, is ignored", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const proxy = await TcpProxy.start(server().port);
    proxies.push(proxy);
    const cutOff = bundle<M>(types, { redis: { url: proxy.url, retryStrategy: () => 100 }, namespace });
    const job = await jobs.schedule("task", { n: 1 });
    const release = gate();
    const calls: string[] = [];
    // A lease of 1 s renewed every 100 ms: lost to the cut, not to a pause before it.
    const a = cutOff.pool({ handlers: { task: async () => (calls.push("a"), release.promise) }, leaseTime: "1s", heartbeatInterval: "100ms" });
    const aEvents = recordEvents(a);
    await a.start();
    await waitUntil(() => calls.length === 1);
    proxy.cut();

    const b = pool({ handlers: { task: () => void calls.push("b") }, ...LIVE });
    await b.start();
    await waitForStatus(job, "finished");
    expect(calls).toEqual(["a", "b"]);
    expect(job).toMatchObject({ poolId: b.id, attempts: 2 });

    // The partition heals and the first pool's handler returns: its result must change nothing.
    proxy.heal();
    release.open();
    await a.close();
    expect(eventsOf(aEvents, job.id)).toEqual(["started"]);
    await expectJobState(jobs, redis(), namespace, job.id, "finished");
    expect(await jobs.findJob(job.id)).toMatchObject({ poolId: b.id, attempts: 2, status: "finished" });
  });

  it("close() completes while the pool's idle wait is cut off from Redis", async () => {
    const { namespace } = bundle<M>(types);
    const proxy = await TcpProxy.start(server().port);
    proxies.push(proxy);
    const cutOff = bundle<M>(types, { redis: { url: proxy.url, retryStrategy: () => 100 }, namespace });
    const a = cutOff.pool({ handlers: { task: () => undefined } });
    await a.start();
    // Once the pool waits for work in BLPOP, drop that one connection and refuse reconnects: the
    // blocking client then reconnects for ever and ioredis never settles its pending BLPOP.
    await waitUntil(async () => (await blockedPools(redis())) === 1);
    const [port] = await blockedClientPorts(redis());
    proxy.cutWhere((upstreamPort) => upstreamPort === port);
    await waitUntil(async () => (await blockedPools(redis())) === 0);
    await a.close();
    expect(await redis().zscore(`tj:{${namespace}}:pools`, a.id)).toBeNull();
  });

  it("a job whose lease expired more often than maxLeaseRecoveries fails with LeaseExpiredError instead of looping", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    await seedExecuting(namespace, "doomed", "deadPool", Date.now() - 1, ',"rc":2');
    let calls = 0;
    await pool({ handlers: { task: () => void calls++ }, ...LIVE, maxLeaseRecoveries: 2 }).start();
    const job = await jobs.findJob("doomed");
    await waitForStatus(job, "failed");
    expect(calls).toBe(0);
    expect(job.error).toMatchObject({ name: "LeaseExpiredError", message: expect.stringContaining("deadPool") });
    await expectJobState(jobs, redis(), namespace, "doomed", "failed");
  });

  it("a job cancelled while its pool was dying ends cancelled on recovery, and is not run again", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    await seedExecuting(namespace, "cancelled-orphan", "deadPool", Date.now() - 1, ',"cx":true');
    const sentinel = await jobs.schedule("task", { n: 2 }, { runAt: Date.now() + 400 });
    const ran: string[] = [];
    await pool({ handlers: { task: (_p, job) => void ran.push(job.id) }, ...LIVE }).start();
    await waitForStatus(sentinel, "finished");
    expect(ran).toEqual([sentinel.id]);
    await expectJobState(jobs, redis(), namespace, "cancelled-orphan", "cancelled");
  });
});
