import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createJobs, type Jobs } from "typed-jobs";
import { RedisServer, waitUntil } from "../support/redis-server.js";
import { drainAndAudit, type Audit } from "./support/audit.js";
import { ChildPool, killAll } from "./support/child-pool.js";
import { execKey, faultTypes, type FaultJobs } from "./support/contract.js";

// The connection cut or stalled while pools claim and acknowledge: a claim whose reply is lost, a
// settle that may or may not have landed, a Redis that stops answering for longer than a lease.
// No job may stay in executing past its lease, and none may be lost.

const NS = "cuts";
const JOBS = 1500;
let server: RedisServer;
let redis: Redis;
let jobs: Jobs<FaultJobs>;
const children: ChildPool[] = [];

beforeAll(async () => {
  server = await RedisServer.start({ extraArgs: ["--enable-debug-command", "yes"] });
  redis = server.client();
  jobs = createJobs<FaultJobs>(faultTypes, { redis: server.url, namespace: NS });
  const start = (tag: string) => ChildPool.start({ redisUrl: server.url, namespace: NS, tag, concurrency: 10, lease: "1s" });
  children.push(...(await Promise.all([start("a"), start("b")])));
});
afterAll(async () => {
  await killAll(children);
  await jobs.close();
  redis.disconnect();
  await server.stop();
});

/** Schedules a batch of quick jobs in bulk under their own id prefix (a payload field) and returns their ids. */
async function load(): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i += 250) {
    const made = await jobs.scheduleBulk("work", Array.from({ length: 250 }, (_, k) => ({ n: i + k, ms: 1 })));
    ids.push(...made.map((job) => job.id));
  }
  return ids;
}

/** Executions logged so far: a cheap progress counter across the file's tests. */
function executions(): Promise<number> {
  return redis.hlen(execKey(NS));
}

/** Every job of the batch finished, none is left executing, and a job ran twice only after a lost lease. */
function expectNoneLost(audit: Audit, ids: readonly string[]): void {
  expect(audit.counts).toMatchObject({ executing: 0, failed: 0, cancelled: 0, rejected: 0 });
  for (const id of ids) {
    expect(audit.headers.get(id)?.s, `job ${id}`).toBe("finished");
    const runs = audit.executions.get(id) ?? 0;
    expect(runs, `executions of ${id}`).toBeGreaterThanOrEqual(1);
    expect(runs, `executions of ${id}`).toBeLessThanOrEqual(1 + (audit.headers.get(id)!.rc ?? 0));
  }
  expect(children.every((c) => c.alive)).toBe(true);
}

/** Ids of the clients whose last command was a script: the pools' and the producer's command connections. */
function scriptClientIds(): string[] {
  return server.cli("CLIENT", "LIST").split("\n").filter((line) => /cmd=fcall /.test(line)).map((line) => /id=(\d+)/.exec(line)![1]!);
}

describe("connection faults mid-claim and mid-acknowledge", () => {
  it("CLIENT KILL TYPE normal, again and again under load", async () => {
    const base = await executions();
    const ids = await load();
    for (let cut = 1; cut <= 5; cut++) {
      await waitUntil(async () => (await executions()) - base >= cut * 80, 60_000, `no progress before cut ${cut}`);
      server.cli("CLIENT", "KILL", "TYPE", "normal");
    }
    expectNoneLost(await drainAndAudit(redis, NS), ids);
  });

  it("CLIENT KILL ID on the pools' script connections, mid-claim and mid-settle", async () => {
    const base = await executions();
    const ids = await load();
    for (let cut = 1; cut <= 10; cut++) {
      await waitUntil(async () => (await executions()) - base >= cut * 40, 60_000, `no progress before cut ${cut}`);
      for (const id of scriptClientIds()) server.cli("CLIENT", "KILL", "ID", id);
    }
    expectNoneLost(await drainAndAudit(redis, NS), ids);
  });

  it("CLIENT PAUSE WRITE for longer than a lease", async () => {
    const base = await executions();
    const ids = await load();
    await waitUntil(async () => (await executions()) - base >= 100, 60_000);
    server.cli("CLIENT", "PAUSE", "1500", "WRITE");
    expectNoneLost(await drainAndAudit(redis, NS), ids);
  });

  it("DEBUG SLEEP for longer than a lease", async () => {
    const base = await executions();
    const ids = await load();
    await waitUntil(async () => (await executions()) - base >= 100, 60_000);
    server.cli("DEBUG", "SLEEP", "1.5");
    expectNoneLost(await drainAndAudit(redis, NS), ids);
  });
});
