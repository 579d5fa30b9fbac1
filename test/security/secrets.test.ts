import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createJobs, RedisCommandError, RedisUnavailableError, type JobsError, type JobsOptions } from "typed-jobs";
import { freePort, waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";

type M = { ping: { n: number } };
const types = { ping: jobType<{ n: number }>("ping", anyPayload) };
const SECRET = "hunter2-Sup3r-secret";

/** Everything a log line could show of an error: message, stack, and its causes with all their fields. */
function everything(error: unknown): string {
  return `${String(error)}\n${(error as Error)?.stack ?? ""}\n${inspect(error, { depth: 8, showHidden: true })}\n${JSON.stringify(error)}`;
}

describe("passwords never show in errors", () => {
  const { server } = useRedis();

  /** A schedule's error and a pool's error events, for one connection setting. */
  async function errorsFor(redis: JobsOptions["redis"]): Promise<{ scheduleError: unknown; poolErrors: JobsError[] }> {
    const jobs = createJobs<M>(types, { redis, namespace: "secrets" });
    const pool = jobs.createPool({ handlers: { ping: () => undefined }, idleWait: "100ms", leaseTime: "300ms", waitForRedis: true });
    const poolErrors: JobsError[] = [];
    pool.on("error", (e) => poolErrors.push(e));
    try {
      await pool.start();
      const scheduleError = await jobs.schedule("ping", { n: 1 }).catch((e: unknown) => e);
      await waitUntil(() => poolErrors.length >= 1, 10_000, "the pool reported no errors");
      return { scheduleError, poolErrors };
    } finally {
      await pool.close();
      await jobs.close();
    }
  }

  it.each([
    ["a wrong password in the URL", () => `redis://jobs:${SECRET}@127.0.0.1:${server().port}`],
    ["a wrong password in options", () => ({ host: "127.0.0.1", port: server().port, username: "jobs", password: SECRET })],
    // A short reconnect backoff only keeps the test fast; the pool's close waits out its retries.
    ["an unreachable host with a password in the URL", async () => ({ url: `redis://jobs:${SECRET}@127.0.0.1:${await freePort()}/1`, retryStrategy: (): number => 20 })],
    ["an unreachable host with a password in options", async () => ({ host: "127.0.0.1", port: await freePort(), password: SECRET, retryStrategy: (): number => 20 })],
  ])("%s", async (_, redis) => {
    server().cli("ACL", "SETUSER", "jobs", "on", ">the-real-password", "~*", "+@all");
    const { scheduleError, poolErrors } = await errorsFor(await redis());
    // Refused (WRONGPASS) or unavailable, depending on whether the command met the refusal.
    expect([RedisUnavailableError, RedisCommandError].some((type) => scheduleError instanceof type)).toBe(true);
    // It still says what went wrong, without the secret.
    expect((scheduleError as Error).message).toMatch(/WRONGPASS|ECONNREFUSED|max retries/i);
    for (const error of [scheduleError, ...poolErrors]) {
      const text = everything(error);
      expect(text).not.toContain(SECRET);
    }
  });
});
