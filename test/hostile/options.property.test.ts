import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";

type M = { any: unknown };
const types = { any: jobType<unknown>("any", anyPayload) };
const RUNS = { numRuns: 60 };

const isInvalidOption = (option: string) => (error: unknown) => error instanceof InvalidOptionError && error.option === option;

/** The payload as it comes back: parsePayload drops every `__proto__` key on purpose, and JSON keeps no -0. */
function withoutProto(value: unknown): unknown {
  // JSON has no negative zero: JSON.stringify(-0) is "0", so -0 comes back as 0.
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutProto);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "__proto__").map(([k, v]) => [k, withoutProto(v)]));
}

describe("schedule options and payloads, property-based", () => {
  const { bundle } = useRedis();

  it("priorities: integers in -1024..1023 are kept, anything else is an InvalidOptionError", async () => {
    const { jobs } = bundle<M>(types);
    await fc.assert(fc.asyncProperty(fc.integer({ min: -1024, max: 1023 }), async (priority) => {
      const job = await jobs.schedule("any", 1, { priority, delay: "1h" });
      expect((await jobs.findJob(job.id)).priority).toBe(priority);
    }), RUNS);
    const invalid = fc.oneof(fc.integer({ min: 1024 }), fc.integer({ max: -1025 }), fc.double().filter((d) => !Number.isInteger(d)), fc.constantFrom(NaN, Infinity, -Infinity));
    await fc.assert(fc.asyncProperty(invalid, async (priority) => {
      await expect(jobs.schedule("any", 1, { priority })).rejects.toSatisfy(isInvalidOption("priority"));
    }), RUNS);
    expect((await jobs.counts()).total.queued).toBe(RUNS.numRuns);
  });

  it("delays: milliseconds and duration text set run-at; anything else is an InvalidOptionError", async () => {
    const { jobs } = bundle<M>(types);
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    const text = fc.array(fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[]))), { minLength: 1, maxLength: 3 });
    const delay = fc.oneof(
      fc.integer({ min: 0, max: 10 ** 10 }).map((ms) => ({ delay: ms as number | string, ms })),
      text.map((parts) => ({ delay: parts.map(([n, u]) => `${n}${u}`).join(""), ms: parts.reduce((sum, [n, u]) => sum + n * units[u], 0) })),
    );
    await fc.assert(fc.asyncProperty(delay, async ({ delay: d, ms }) => {
      const before = Date.now();
      const job = await jobs.schedule("any", 1, { delay: d });
      const runAt = (await jobs.findJob(job.id)).runAt.getTime();
      // Run-at comes from Redis's clock (the same host's): after the call began plus the delay, before it ended plus the delay.
      expect(runAt).toBeGreaterThanOrEqual(before + ms - 5);
      expect(runAt).toBeLessThanOrEqual(Date.now() + ms + 5);
    }), RUNS);
    const bad = fc.oneof(
      fc.string().filter((s) => !/^\s*(\d+(\.\d+)?(ms|s|m|h|d))+\s*$/.test(s)),
      fc.integer({ max: -1 }),
      fc.constantFrom(NaN, Infinity, "-5m", "5 m", "5x", "m5", "", " "),
    );
    await fc.assert(fc.asyncProperty(bad, async (d) => {
      await expect(jobs.schedule("any", 1, { delay: d })).rejects.toSatisfy(isInvalidOption("delay"));
    }), RUNS);
  });

  it("cron: valid expressions schedule a recurring job at its next slot; invalid ones are refused", async () => {
    const { jobs } = bundle<M>(types);
    const field = (min: number, max: number) => fc.oneof(
      fc.constant("*"),
      fc.integer({ min, max }).map(String),
      fc.integer({ min: 1, max: max - min + 1 }).map((n) => `*/${n}`),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    );
    const fields = fc.tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6));
    await fc.assert(fc.asyncProperty(fields, async (f) => {
      const cron = f.join(" ");
      const job = await jobs.scheduleRecurring("any", 1, { cron });
      const found = await jobs.findJob(job.id);
      expect(found.recurrence).toEqual({ cron });
      expect(found.runAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    }), RUNS);
    const outOfRange = fc.oneof(
      fields.chain((f) => fc.tuple(fc.constant(f), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 60, max: 999 }))).map(([f, i, n]) => f.map((v, k) => (k === i ? String(n) : v)).join(" ")),
      fc.array(fc.constantFrom("*", "1", "*/2"), { minLength: 1, maxLength: 4 }).map((f) => f.join(" ")),
      fc.constantFrom("", "every day", "0 0 31 2 *", "* * * * * * * *", "a b c d e"),
    );
    await fc.assert(fc.asyncProperty(outOfRange, async (cron) => {
      await expect(jobs.scheduleRecurring("any", 1, { cron })).rejects.toSatisfy(isInvalidOption("cron"));
    }), RUNS);
  });

  it("ids: any well-formed string of 1..200 characters round-trips through findJob exactly", async () => {
    const { jobs } = bundle<M>(types);
    const id = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
      fc.string({ unit: fc.constantFrom("\n", "\r", "\t", " ", "\u0000", "\u2028", "{", "}", ":", "😀", "é", "\u202E"), minLength: 1, maxLength: 50 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 200 }),
    ).filter((s) => s.length <= 200 && s.isWellFormed());
    const loneSurrogate = fc.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 20 }))
      .map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`)
      .filter((s) => !s.isWellFormed());
    const seen = new Set<string>();
    await fc.assert(fc.asyncProperty(id, async (id) => {
      const job = await jobs.schedule("any", { id }, { id, delay: "1h" });
      expect(job.id).toBe(id);
      const found = await jobs.findJob(id);
      expect(found.id).toBe(id);
      expect(found.payload).toEqual({ id });
      seen.add(id);
    }), RUNS);
    const listed = (await jobs.listJobs("queued", { limit: 1000 })).map((j) => j.id);
    expect(new Set(listed)).toEqual(seen);
    const bad = fc.oneof(fc.string({ minLength: 201, maxLength: 300 }), fc.constant(""), loneSurrogate);
    await fc.assert(fc.asyncProperty(bad, async (id) => {
      await expect(jobs.schedule("any", 1, { id })).rejects.toSatisfy(isInvalidOption("id"));
    }), RUNS);
  });

  it("payloads: any JSON value round-trips exactly through findJob and a pool handler", async () => {
    const { jobs, pool } = bundle<M>(types);
    const handled = new Map<string, unknown>();
    await pool({ handlers: { any: (payload, job) => void handled.set(job.id, payload) }, concurrency: 4, idleWait: "100ms" }).start();
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => {
      const job = await jobs.schedule("any", value);
      await waitUntil(() => handled.has(job.id), 10_000, `job ${job.id} did not run`);
      const expected = withoutProto(value);
      expect(handled.get(job.id)).toStrictEqual(expected);
      expect((await jobs.findJob(job.id)).payload).toStrictEqual(expected);
    }), RUNS);
  });
});
