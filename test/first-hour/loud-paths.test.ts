import { afterEach, describe, expect, it, vi } from "vitest";
import { createJobs, InvalidOptionError, RedisCommandError, RedisUnavailableError, type JobsError, type NamespaceMismatch, type Pool } from "typed-jobs";
import { freePort, waitUntil } from "../support/redis-server.js";
import { StderrReport } from "../../src/pool/stderr-report.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";

type M = { ping: { n: number }; pong: { n: number } };
const types = { ping: jobType<{ n: number }>("ping", anyPayload), pong: jobType<{ n: number }>("pong", anyPayload) };

const { server, bundle } = useRedis();

/** What the process writes to stderr while `spy` is on. */
function captureStderr(): { lines: () => string[]; restore: () => void } {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  return { lines: () => written.join("").split("\n").filter(Boolean), restore: () => spy.mockRestore() };
}

const restores: (() => void)[] = [];
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

describe("a database that cannot be selected", () => {
  it("is an error at connect naming the database, and nothing lands in database 0", async () => {
    const jobs = createJobs<M>(types, { redis: `${server().url}/99`, namespace: "db99" });
    const error = (await jobs.schedule("ping", { n: 1 }).catch((e: unknown) => e)) as JobsError;
    expect(error).toBeInstanceOf(RedisCommandError);
    expect(error.op).toBe("connect");
    expect(error.message).toContain("SELECT 99 failed");
    // Every later call says the same, and none reaches database 0.
    expect(await jobs.findJob("x").catch((e: unknown) => e)).toBe(error);
    await jobs.close();
    expect(server().cli("-n", "0", "EXISTS", "tj:{db99}:jobs")).toBe("0");
  });

  it("fails pool.start()", async () => {
    const jobs = createJobs<M>(types, { redis: `${server().url}/99`, namespace: "db99" });
    const pool = jobs.createPool({ handlers: { ping: () => undefined } });
    await expect(pool.start()).rejects.toBeInstanceOf(RedisCommandError);
    await pool.close();
    await jobs.close();
  });
});

describe("a pool given a type with no handler", () => {
  it("refuses to be made, naming the type, when its types are given (as the generated createPool does)", () => {
    const { jobs } = bundle<M>(types);
    const handlers = { ping: () => undefined } as unknown as { ping: () => undefined; pong: () => undefined };
    expect(() => jobs.createPool({ handlers, types: ["ping", "pong"] })).toThrow(InvalidOptionError);
    expect(() => jobs.createPool({ handlers, types: ["ping", "pong"] })).toThrow(/no handler for pong/);
  });

  it("refuses a handler that is not a function", () => {
    const { jobs } = bundle<M>(types);
    const handlers = { ping: () => undefined, pong: undefined } as unknown as { ping: () => undefined; pong: () => undefined };
    expect(() => jobs.createPool({ handlers })).toThrow(/must be functions; not for pong/);
  });
});

describe("a pool without an error listener", () => {
  it("reports its background errors on stderr, rate-limited, instead of nothing", async () => {
    const stderr = captureStderr();
    restores.push(stderr.restore);
    const jobs = createJobs<M>(types, { redis: `redis://127.0.0.1:${await freePort()}`, namespace: "nobody-listens" });
    const p = jobs.createPool({ handlers: { ping: () => undefined }, waitForRedis: true, idleWait: "50ms", closeGracePeriod: "200ms" });
    try {
      await p.start();
      await waitUntil(() => stderr.lines().some((line) => line.includes(`pool ${p.id}`) && line.includes("Redis unavailable")));
      // Many failures by now (a claim each time it retries), one line: the next waits for the interval.
      expect(stderr.lines().filter((line) => line.includes(`pool ${p.id}`))).toHaveLength(1);
    } finally {
      await p.close();
      await jobs.close();
    }
  });

  it("says how many errors it left out when it reports again", () => {
    const lines: string[] = [];
    let now = 0;
    const report = new StderrReport("p1", (line) => void lines.push(line), () => now, 10_000);
    const error = new RedisUnavailableError("pool.claim", new Error("connect ECONNREFUSED"));
    report.error(error);
    now = 5_000;
    report.error(error);
    report.error(error);
    now = 10_000;
    report.error(error);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("(2 more since the last report)");
  });
});

describe("a pool waiting on a namespace with no jobs", () => {
  it("says once, with an event, that another namespace under the prefix holds jobs of its types", async () => {
    const producer = { namespace: `shop-${process.pid}`, jobs: bundle<M>(types, { namespace: `shop-${process.pid}` }).jobs };
    await producer.jobs.schedule("ping", { n: 1 });
    await producer.jobs.schedule("pong", { n: 1 }, { delay: "1h" });
    const { pool, namespace } = bundle<M>(types);
    const p = pool({ handlers: { ping: () => undefined, pong: () => undefined } });
    const told: NamespaceMismatch[] = [];
    p.on("namespaceMismatch", (mismatch) => told.push(mismatch));
    await p.start();
    await waitUntil(() => told.length > 0);
    expect(told).toEqual([{ namespace, prefix: "tj:", others: [producer.namespace], message: expect.stringContaining(`"${producer.namespace}"`) }]);
  });

  it("says it on stderr when nobody listens", async () => {
    const producer = { namespace: `shop2-${process.pid}`, jobs: bundle<M>(types, { namespace: `shop2-${process.pid}` }).jobs };
    await producer.jobs.schedule("ping", { n: 1 });
    const stderr = captureStderr();
    restores.push(stderr.restore);
    const p = bundle<M>(types).pool({ handlers: { ping: () => undefined } });
    await p.start();
    await waitUntil(() => stderr.lines().some((line) => line.includes(`pool ${p.id}`) && line.includes(`"${producer.namespace}"`)));
  });

  it("says nothing when its own namespace holds jobs", async () => {
    const other = bundle<M>(types, { namespace: `shop3-${process.pid}` });
    await other.jobs.schedule("ping", { n: 1 });
    const { jobs, pool } = bundle<M>(types);
    await jobs.schedule("pong", { n: 1 }, { delay: "1h" });
    const p = pool({ handlers: { ping: () => undefined, pong: () => undefined } });
    const told: NamespaceMismatch[] = [];
    p.on("namespaceMismatch", (mismatch) => told.push(mismatch));
    await p.start();
    // The check is one HLEN at start: a job run after it shows that start's round trips are done.
    const ran = new Promise((resolve) => p.once("finished", resolve));
    await jobs.schedule("ping", { n: 2 });
    await ran;
    expect(told).toEqual([]);
  });
});

describe("a pool's blocking wait", () => {
  it("is not cut by a command timeout shorter than the wait, and still takes work as it comes", async () => {
    const { jobs, pool } = bundle<M>(types, { redis: { url: server().url, commandTimeout: 100 } });
    const errors: JobsError[] = [];
    const ran: number[] = [];
    const p = pool({ handlers: { ping: ({ n }) => void ran.push(n), pong: () => undefined }, idleWait: "1s" });
    p.on("error", (error) => errors.push(error));
    await p.start();
    await waitUntil(async () => (await jobs.pools()).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 400)); // idle, blocked for longer than the command timeout
    await jobs.schedule("ping", { n: 1 });
    await waitUntil(() => ran.includes(1));
    expect(errors).toEqual([]);
  });
});
