import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RedisCommandError } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { jobType, useRedis } from "../support/setup.js";

type M = { mail: { to: string }; slow: { ms: number } };
const types = {
  mail: jobType<{ to: string }>("mail", (v) => typeof (v as { to?: unknown })?.to === "string", { retries: 1, backoff: "none" }),
  slow: jobType<{ ms: number }>("slow", () => true),
};

/**
 * The least a Redis user needs to run typed-jobs: the keys under the library's prefix, the commands
 * its Lua scripts call (Redis checks ACLs inside scripts too), the few it sends directly, and INFO for
 * ioredis's ready check. Everything else (other keys, channels, admin commands) is refused.
 */
export const MINIMAL_ACL = [
  "on", ">jobs-acl-pw", "resetkeys", "~tj:*", "resetchannels", "-@all",
  // sent by the runtime and by ioredis on connect
  "+info", "+evalsha", "+eval", "+hget", "+hmget", "+smembers", "+zcard", "+zrange", "+zrem", "+blpop", "+multi", "+exec",
  // a closing pool unblocks its own wait, so a job handed to it meanwhile is given back
  "+client|id", "+client|unblock",
  // called inside the Lua scripts
  "+time", "+hset", "+hsetnx", "+hdel", "+zadd", "+zpopmin", "+zrangebyscore", "+zremrangebyscore", "+zscore", "+sadd", "+llen", "+rpush", "+lpush", "+lpop", "+rpop", "+lrange", "+lrem",
];

describe("a Redis user with only the commands and keys typed-jobs needs", () => {
  const { server, bundle } = useRedis();
  const asJobsUser = () => {
    server().cli("ACL", "SETUSER", "jobs", "reset", ...MINIMAL_ACL);
    server().cli("ACL", "LOG", "RESET");
    return { redis: `redis://jobs:jobs-acl-pw@127.0.0.1:${server().port}` };
  };
  /** Commands Redis refused, from ACL LOG; CLIENT SETINFO (Redis 7.2+, sent on connect) ioredis lets fail. */
  const denials = (): string[] => {
    const lines = server().cli("ACL", "LOG").split("\n");
    const objects = lines.filter((_, i) => lines[i - 1] === "object");
    return objects.filter((object) => object !== "client|setinfo");
  };

  it("schedules, runs, queries, cancels, reschedules and destroys jobs", async () => {
    const { jobs } = bundle<M>(types, asJobsUser());
    const done: string[] = [];
    let failOnce = true;
    const p = jobs.createPool({
      handlers: {
        mail: ({ to }) => {
          if (to === "retry" && failOnce) {
            failOnce = false;
            throw new Error("first attempt fails");
          }
          done.push(to);
        },
        slow: (_, { signal }) => new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve())),
      },
      leaseTime: "1s",
      idleWait: "200ms",
    });
    const errors: Error[] = [];
    p.on("error", (e) => errors.push(e));
    await p.start();
    try {
      const a = await jobs.schedule("mail", { to: "a" });
      await jobs.scheduleBulk("mail", [{ to: "b" }, { to: "retry" }]);
      await jobs.scheduleRecurring("mail", { to: "tick" }, { every: "50ms" });
      const bad = await jobs.schedule("mail", { to: "x" }, { delay: "1h" });
      await waitUntil(() => ["a", "b", "retry"].every((t) => done.includes(t)) && done.filter((t) => t === "tick").length >= 2, 10_000, `ran ${done}`);
      expect((await jobs.findJob(a.id)).status).toBe("finished");

      const running = await jobs.schedule("slow", { ms: 0 });
      await waitUntil(async () => (await jobs.running()) >= 1);
      expect(await (await jobs.findJob(running.id)).cancel()).toBe(true);
      await waitUntil(async () => (await jobs.findJob(running.id)).status === "cancelled");

      const later = await bad.reschedule({ delay: "2h" });
      expect(later.status).toBe("queued");
      expect(await later.cancel()).toBe(true);
      await later.destroy();
      expect((await jobs.counts()).byType.mail!.finished).toBeGreaterThanOrEqual(3);
      expect((await jobs.listJobs("finished", { type: "mail" })).length).toBeGreaterThanOrEqual(3);
      expect((await jobs.listJobs("cancelled")).map((j) => j.id)).toEqual([running.id]);
      const waiting = await jobs.schedule("mail", { to: "later" }, { delay: "1h" });
      expect((await jobs.listJobs("queued", { type: "mail" })).map((j) => j.id)).toContain(waiting.id);
    } finally {
      await p.close();
    }
    expect(errors).toEqual([]);
    expect(denials()).toEqual([]);
  });

  it("refuses keys outside the prefix, and every other command", async () => {
    const { jobs } = bundle<M>(types, { ...asJobsUser(), prefix: "other:" });
    const error = await jobs.schedule("mail", { to: "a" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisCommandError);
    expect((error as Error).message).toMatch(/NOPERM|no permissions/i);
    expect(server().cli("EXISTS", "other:{" + "x}:jobs")).toBe("0");

    const raw = new Redis({ port: server().port, host: "127.0.0.1", username: "jobs", password: "jobs-acl-pw", maxRetriesPerRequest: 0 });
    raw.on("error", () => undefined);
    try {
      await expect(raw.set("not-a-job", "1")).rejects.toThrow(/NOPERM/);
      await expect(raw.hget("tj-not-prefixed", "x")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("KEYS", "*")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("FLUSHALL")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("CONFIG", "GET", "*")).rejects.toThrow(/NOPERM/);
      await expect(raw.call("PUBLISH", "chan", "x")).rejects.toThrow(/NOPERM/);
      // A script may not reach outside the prefix either: ACLs apply to keys a script touches.
      await expect(raw.eval("return redis.call('GET', KEYS[1])", 1, "secret")).rejects.toThrow(/NOPERM|No permissions/i);
    } finally {
      raw.disconnect();
    }
  });
});
