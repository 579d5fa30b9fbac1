import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createJobs, RedisUnavailableError, type Jobs } from "typed-jobs";
import { RedisServer, waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType } from "../support/setup.js";

type M = { ping: { n: number } };
const types = { ping: jobType<{ n: number }>("ping", anyPayload) };

describe("a Redis that goes away and comes back", () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });

  it("fails a schedule with RedisUnavailableError while Redis is down, and the pool carries on after it returns", async () => {
    const server = await RedisServer.start();
    open.push({ close: () => server.stop() });
    const jobs: Jobs<M> = createJobs<M>(types, { redis: server.url, namespace: "outage" });
    open.unshift(jobs);
    const ran: number[] = [];
    const pool = jobs.createPool({ handlers: { ping: ({ n }) => void ran.push(n) }, idleWait: "200ms" });
    const poolErrors: Error[] = [];
    pool.on("error", (e) => poolErrors.push(e));
    open.unshift(pool);
    await pool.start();

    await jobs.schedule("ping", { n: 1 });
    await waitUntil(() => ran.includes(1));

    await server.kill();
    const failure = await jobs.schedule("ping", { n: 2 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect((failure as RedisUnavailableError).op).toBe("redis.schedule");

    await server.restart();
    await waitUntil(async () => {
      try {
        await jobs.schedule("ping", { n: 3 }, { id: "after-restart" });
        return true;
      } catch {
        return false;
      }
    }, 15_000);
    await waitUntil(() => ran.includes(3), 15_000);
    expect(ran).not.toContain(2);
    expect(poolErrors.every((e) => e instanceof RedisUnavailableError || e.name === "RedisCommandError")).toBe(true);
  });
});

describe("connection URLs", () => {
  it("connects through a unix socket with a database number", async () => {
    const socketDir = mkdtempSync(join(tmpdir(), "typed-jobs-sock-"));
    const socket = join(socketDir, "redis.sock");
    const server = await RedisServer.start({ extraArgs: ["--unixsocket", socket, "--unixsocketperm", "700"] });
    try {
      const jobs = createJobs<M>(types, { redis: `unix://${socket}?db=3`, namespace: "sock" });
      const job = await jobs.schedule("ping", { n: 1 });
      expect((await jobs.findJob(job.id)).status).toBe("queued");
      await jobs.close();
      expect(server.cli("-n", "3", "HEXISTS", "tj:{sock}:jobs", job.id)).toBe("1");
    } finally {
      await server.stop();
      rmSync(socketDir, { recursive: true, force: true });
    }
  });

  it("authenticates as an ACL user given in the URL, and never shows the password in errors", async () => {
    const server = await RedisServer.start();
    try {
      server.cli("ACL", "SETUSER", "jobs", "on", ">s3cret-pw", "~*", "+@all");
      const jobs = createJobs<M>(types, { redis: `redis://jobs:s3cret-pw@127.0.0.1:${server.port}/2`, namespace: "acl" });
      const job = await jobs.schedule("ping", { n: 1 });
      expect(server.cli("-n", "2", "HEXISTS", "tj:{acl}:jobs", job.id)).toBe("1");
      await jobs.close();

      const wrong = createJobs<M>(types, { redis: `redis://jobs:wrong-pw@127.0.0.1:${server.port}`, namespace: "acl" });
      const error = (await wrong.schedule("ping", { n: 1 }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).not.toContain("wrong-pw");
      await wrong.close();
    } finally {
      await server.stop();
    }
  });
});
