import { afterEach, describe, expect, it } from "vitest";
import { createJobs, RedisUnavailableError, type JobsError } from "typed-jobs";
import { freePort } from "../support/redis-server.js";
import { SilentServer } from "../support/silent-server.js";
import { anyPayload, jobType } from "../support/setup.js";

type M = { ping: { n: number } };
const types = { ping: jobType<{ n: number }>("ping", anyPayload) };

/** Generous: the default command timeout is 5 s; a call that hangs never settles at all. */
const SETTLES_WITHIN_MS = 15_000;

/** Whether the promise settled within `ms`, and how: a hang is "pending". */
async function settlement<T>(work: Promise<T>, ms = SETTLES_WITHIN_MS): Promise<{ state: "fulfilled"; value: T } | { state: "rejected"; error: unknown } | { state: "pending" }> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<{ state: "pending" }>((resolve) => (timer = setTimeout(() => resolve({ state: "pending" }), ms)));
  const settled = work.then((value) => ({ state: "fulfilled" as const, value }), (error: unknown) => ({ state: "rejected" as const, error }));
  return Promise.race([settled, pending]).finally(() => clearTimeout(timer));
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

async function silent(): Promise<SilentServer> {
  const server = await SilentServer.start();
  open.push(server);
  return server;
}

describe("a server that accepts the connection and never answers", () => {
  it("fails schedule, scheduleBulk and findJob with RedisUnavailableError naming the operation and the host, not the password", async () => {
    const server = await silent();
    const jobs = createJobs<M>(types, { redis: server.url("s3cret-pw"), namespace: "silent" });
    open.unshift(jobs);
    const outcomes = await Promise.all([settlement(jobs.schedule("ping", { n: 1 })), settlement(jobs.scheduleBulk("ping", [{ n: 1 }, { n: 2 }])), settlement(jobs.findJob("some-id"))]);
    expect(server.connections).toBeGreaterThan(0); // it was reached, and said nothing
    for (const outcome of outcomes) {
      expect(outcome.state).toBe("rejected");
      const error = (outcome as { error: JobsError }).error;
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(error.message).toContain(`127.0.0.1:${server.port}`);
      expect(error.message).toContain("no reply within 5000 ms");
      expect(error.message).not.toContain("s3cret-pw");
    }
    expect(outcomes.map((o) => (o as { error: JobsError }).error.op)).toEqual(["redis.schedule", "redis.schedule", "findJob"]);
  });

  it("waits as long as the commandTimeout in the redis options says", async () => {
    const server = await silent();
    const jobs = createJobs<M>(types, { redis: { url: server.url(), commandTimeout: 200 }, namespace: "silent" });
    open.unshift(jobs);
    const outcome = await settlement(jobs.schedule("ping", { n: 1 }), 5_000);
    expect(outcome.state).toBe("rejected");
    expect(String((outcome as { error: Error }).error)).toContain("no reply within 200 ms");
  });

  it("fails pool.start() with RedisUnavailableError, and the pool is closed", async () => {
    const server = await silent();
    const jobs = createJobs<M>(types, { redis: server.url(), namespace: "silent" });
    open.unshift(jobs);
    const pool = jobs.createPool({ handlers: { ping: () => undefined } });
    const outcome = await settlement(pool.start());
    expect(outcome.state).toBe("rejected");
    expect((outcome as { error: JobsError }).error).toBeInstanceOf(RedisUnavailableError);
    expect((outcome as { error: JobsError }).error.op).toBe("pool.start");
    expect((await settlement(pool.close())).state).toBe("fulfilled");
  });

  it("closes a pool that was told to keep trying within its grace period", async () => {
    const server = await silent();
    const jobs = createJobs<M>(types, { redis: server.url(), namespace: "silent" });
    open.unshift(jobs);
    const pool = jobs.createPool({ handlers: { ping: () => undefined }, waitForRedis: true, closeGracePeriod: "1s", idleWait: "200ms" });
    const errors: JobsError[] = [];
    pool.on("error", (error) => errors.push(error));
    expect((await settlement(pool.start(), 2_000)).state).toBe("fulfilled");
    expect((await settlement(pool.close(), 1_000 + 4_000)).state).toBe("fulfilled");
  });
});

describe("a Redis that is down (nothing listens on its port)", () => {
  it("fails pool.start() naming the server, and closes a pool told to keep trying within its grace period", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const jobs = createJobs<M>(types, { redis: url, namespace: "down" });
    open.unshift(jobs);
    const failing = jobs.createPool({ handlers: { ping: () => undefined } });
    const outcome = await settlement(failing.start());
    expect(outcome.state).toBe("rejected");
    expect(String((outcome as { error: Error }).error)).toContain(`Redis unavailable during pool.start at ${url.slice("redis://".length)}`);

    const trying = jobs.createPool({ handlers: { ping: () => undefined }, waitForRedis: true, closeGracePeriod: "1s", idleWait: "200ms" });
    trying.on("error", () => undefined);
    await trying.start();
    expect((await settlement(trying.close(), 1_000 + 4_000)).state).toBe("fulfilled");
  });
});
