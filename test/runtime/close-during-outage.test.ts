import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../support/redis-server.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { gate } from "../support/redis-state.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

describe("pool.close() while Redis is unreachable", () => {
  it("of an idle pool returns instead of waiting for Redis to come back", async () => {
    const { namespace } = bundle<M>(types);
    const proxy = await TcpProxy.start(server().port);
    proxies.push(proxy);
    const cutOff = bundle<M>(types, { redis: { url: proxy.url, retryStrategy: () => 100 }, namespace });
    const p = cutOff.pool({ handlers: { task: () => undefined }, idleWait: "50ms", closeGracePeriod: "300ms" });
    p.on("error", () => undefined);
    await p.start();
    const redis = server().client();
    await waitUntil(async () => (await redis.zcard(`tj:{${namespace}}:pools`)) === 1);
    await redis.quit();
    proxy.cut();
    await p.close(); // bounded by the grace period; without the bound it waits for Redis for ever
  }, 20_000);

  it("returns within its grace period instead of waiting for Redis, and the job it held is recovered by another pool", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const proxy = await TcpProxy.start(server().port);
    proxies.push(proxy);
    const cutOff = bundle<M>(types, { redis: { url: proxy.url, retryStrategy: () => 100 }, namespace });
    const job = await jobs.schedule("task", { n: 1 });
    const stuck = gate();
    const ran: string[] = [];
    // A lease of 1 s renewed every 100 ms: lost to the cut, not to a pause before it.
    const a = cutOff.pool({ handlers: { task: () => (ran.push("a"), stuck.promise) }, leaseTime: "1s", heartbeatInterval: "100ms", closeGracePeriod: "300ms" });
    a.on("error", () => undefined);
    await a.start();
    await waitUntil(() => ran.length === 1);

    proxy.cut();
    await a.close(); // bounded by the grace period; the vitest timeout fails a hang
    stuck.open();

    const b = pool({ handlers: { task: () => void ran.push("b") }, leaseTime: "10s", reapInterval: "50ms" });
    await b.start();
    await waitUntil(async () => (await jobs.findJob(job.id)).status === "finished");
    expect(ran).toEqual(["a", "b"]);
  }, 20_000);
});

describe("a recurring job whose recurrence this pool cannot read", () => {
  it("is rejected with CorruptJobRecordError before its handler runs, and the pool keeps running others", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const broken = await jobs.scheduleRecurring("task", { n: 1 }, { every: "1h" }, { id: "broken" });
    const redis = server().client();
    const raw = (await redis.hget(`tj:{${namespace}}:jobs`, broken.id))!;
    await redis.hset(`tj:{${namespace}}:jobs`, broken.id, raw.replace(/"ev":\d+/, '"cr":"every other tuesday"'));
    await redis.quit();

    const ran: number[] = [];
    const p = pool({ handlers: { task: ({ n }) => void ran.push(n) } });
    await p.start();
    const fine = await jobs.schedule("task", { n: 2 });
    await waitUntil(async () => (await jobs.findJob(broken.id)).status === "rejected" && (await jobs.findJob(fine.id)).status === "finished");
    const rejected = await jobs.findJob(broken.id);
    expect(rejected.error).toMatchObject({ name: "CorruptJobRecordError" });
    expect(rejected.error?.message).toContain("recurrence cannot be read");
    expect(ran).toEqual([2]);
  });
});

