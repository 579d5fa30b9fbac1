import { describe, expect, it } from "vitest";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { keyOf, useRedisClient, scriptCalls } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// A pool that meets jobs of a contract identity its build does not know leaves them deferred and
// does not spin on them: it goes idle as for an empty queue, and its claims stay as few as its idle
// waits; a job handed to it by a schedule goes back unstarted.

type M = { alpha: { n: number } };
const oldBuild = { alpha: jobType<{ n: number }>("alpha", anyPayload, { identities: ["test-alpha"] }) };
const newBuild = { alpha: jobType<{ n: number }>("alpha", anyPayload, { schemaHash: "newer", identities: ["newer", "test-alpha"] }) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("deferral in a pool", () => {
  it("an old pool with only a deferred job waits idle: over three idle waits it sends a bounded number of scripts", async () => {
    const { namespace, pool } = bundle<M>(oldBuild);
    const producer = bundle<M>(newBuild, { namespace });
    const ran: number[] = [];
    const p = pool({ handlers: { alpha: ({ n }) => void ran.push(n) }, idleWait: "100ms" });
    await p.start();
    const job = await producer.jobs.schedule("alpha", { n: 1 });
    await waitUntil(async () => (await producer.jobs.findJob(job.id)).status === "deferred");
    const deferred = await producer.jobs.findJob(job.id);
    const idleKey = keyOf(namespace, "idle", "alpha");
    const registrations: string[] = [];
    const before = await scriptCalls(redis());
    await waitUntil(async () => {
      const score = (await redis().zrange(idleKey, "0", "-1", "WITHSCORES"))[1];
      if (score !== undefined && score !== registrations.at(-1)) registrations.push(score);
      return registrations.length >= 4;
    });
    // A claim per idle wait, plus the pool's periodic scripts: a pool claiming in a loop would send thousands.
    expect((await scriptCalls(redis())) - before).toBeLessThan(60);
    expect(await producer.jobs.findJob(job.id)).toMatchObject({ status: "deferred", attempts: 0, deferred: deferred.deferred });
    expect(ran).toEqual([]);
  });

  it("a new pool started beside the old one takes the deferred job at once, and the old pool's hand-off refuses newer jobs", async () => {
    const { namespace, pool } = bundle<M>(oldBuild);
    const producer = bundle<M>(newBuild, { namespace });
    const oldRan: number[] = [];
    const old = pool({ handlers: { alpha: ({ n }) => void oldRan.push(n) } });
    await old.start();
    await waitUntil(async () => (await redis().zcard(keyOf(namespace, "idle", "alpha"))) === 1);
    // The old pool waits idle, but a job it does not know is not handed to it.
    const first = await producer.jobs.schedule("alpha", { n: 1 });
    expect(first.status).toBe("queued");
    await waitUntil(async () => (await producer.jobs.findJob(first.id)).status === "deferred");
    const newRan: number[] = [];
    const fresh = producer.pool({ handlers: { alpha: ({ n }) => void newRan.push(n) } });
    await fresh.start();
    await waitUntil(async () => (await producer.jobs.findJob(first.id)).status === "finished");
    expect(newRan).toEqual([1]);
    expect(oldRan).toEqual([]);
    expect(await producer.jobs.findJob(first.id)).toMatchObject({ attempts: 1, poolId: fresh.id });
  });

  it("cancelAll of deferred jobs cancels each of them once, across batches, and a new pool then runs only what came after", async () => {
    const { namespace, pool } = bundle<M>(oldBuild);
    const producer = bundle<M>(newBuild, { namespace });
    const old = pool({ handlers: { alpha: () => undefined } });
    await old.start();
    // More than one batch of the bulk scripts (200 entries a call).
    const scheduled = await producer.jobs.scheduleBulk("alpha", Array.from({ length: 450 }, (_, n) => ({ n })));
    await waitUntil(async () => (await producer.jobs.counts()).byType.alpha?.deferred === 450);
    await old.close();

    const progress = await producer.jobs.cancelAll({ type: "alpha", status: "deferred" });
    expect(progress).toMatchObject({ scanned: 450, matched: 450, changed: 450, total: 450 });
    expect(progress.batches).toBeGreaterThanOrEqual(3);
    expect((await producer.jobs.counts()).byType.alpha).toMatchObject({ deferred: 0, cancelled: 450, queued: 0 });
    expect(await redis().zcard(keyOf(namespace, "deferred", "alpha"))).toBe(0);
    const one = await producer.jobs.findJob(scheduled[449]!.id);
    expect(one).toMatchObject({ status: "cancelled", attempts: 0 });
    expect(one.deferred).toBeUndefined();
    expect(await producer.jobs.cancelAll({ type: "alpha", status: "deferred" })).toMatchObject({ matched: 0, changed: 0 });

    const ran: number[] = [];
    const fresh = producer.pool({ handlers: { alpha: ({ n }) => void ran.push(n) } });
    await fresh.start();
    const later = await producer.jobs.schedule("alpha", { n: 1000 });
    await waitUntil(async () => (await producer.jobs.findJob(later.id)).status === "finished");
    expect(ran).toEqual([1000]);
  });
});
