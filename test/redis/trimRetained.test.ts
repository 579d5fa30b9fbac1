import { describe, expect, it } from "vitest";
import { trimRetained, type TrimArgs } from "../../src/redis/scripts/trim-retained.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { readState, scope, seedExecuting, seedFinished, seedQueued, type Scope, type State } from "./seed.js";

// trimRetained.lua: deletes finished jobs, and failed, cancelled and rejected ones, past their
// retention by count or by age, oldest first, at most `limit` per set per call, records included.

const { server } = useRedis();
const redis = useRedisClient(server);

const HOUR = 3_600_000;
const FOREVER = 100 * 365 * 24 * HOUR;

function run(s: Scope, o: Partial<TrimArgs> = {}) {
  return trimRetained(s.runner, { types: ["alpha"], limit: 100, finishedCount: 1000, finishedAgeMs: FOREVER, failedCount: 1000, failedAgeMs: FOREVER, ...o });
}

/** Seeds `n` jobs of one terminal status, finished `age(i)` ms ago; ids `<prefix><i>`, oldest first. */
async function seedMany(s: Scope, type: string, status: "finished" | "failed" | "cancelled" | "rejected", prefix: string, ages: number[]): Promise<void> {
  const now = Date.now();
  for (const [i, age] of ages.entries()) await seedFinished(s, type, `${prefix}${i}`, status, { t: type, ft: now - age });
}

/** The ids left in each set, and the ids left in the jobs hash. */
function ids(state: State): { sets: Record<string, string[]>; records: string[] } {
  const sets = Object.fromEntries(Object.entries(state.zsets ?? {}).map(([k, v]) => [k, Object.keys(v).sort()]));
  return { sets, records: Object.keys(state.jobs ?? {}).sort() };
}

describe("trimRetained.lua", () => {
  it("keeps the newest finishedCount finished jobs per type and deletes the rest, records too", async () => {
    const s = scope(redis());
    await seedMany(s, "alpha", "finished", "f", [50, 40, 30, 20, 10]);
    await seedMany(s, "beta", "finished", "b", [50, 40, 30]);
    expect(await run(s, { types: ["alpha", "beta"], finishedCount: 2 })).toBe(4);
    expect(ids(await readState(s))).toEqual({ sets: { "finished:alpha": ["f3", "f4"], "finished:beta": ["b1", "b2"] }, records: ["b1", "b2", "f3", "f4"] });
  });

  it("deletes failed, cancelled and rejected jobs older than failedAge, and keeps younger ones", async () => {
    const s = scope(redis());
    await seedMany(s, "alpha", "failed", "x", [3 * HOUR, 2 * HOUR, 1000]);
    await seedMany(s, "alpha", "cancelled", "c", [3 * HOUR, 1000]);
    await seedMany(s, "alpha", "rejected", "r", [3 * HOUR]);
    // Finished jobs follow their own limits: older than failedAge, still kept.
    await seedMany(s, "alpha", "finished", "f", [3 * HOUR]);
    expect(await run(s, { failedAgeMs: HOUR })).toBe(4);
    expect(ids(await readState(s))).toEqual({ sets: { "failed:alpha": ["x2"], "cancelled:alpha": ["c1"], "finished:alpha": ["f0"] }, records: ["c1", "f0", "x2"] });
  });

  it("applies the finished age and the failed count the same way", async () => {
    const s = scope(redis());
    await seedMany(s, "alpha", "finished", "f", [2 * HOUR, 1000]);
    await seedMany(s, "alpha", "failed", "x", [40, 30, 20, 10]);
    expect(await run(s, { finishedAgeMs: HOUR, failedCount: 1 })).toBe(4);
    expect(ids(await readState(s))).toEqual({ sets: { "finished:alpha": ["f1"], "failed:alpha": ["x3"] }, records: ["f1", "x3"] });
  });

  it("counts a job that is both too many and too old once", async () => {
    const s = scope(redis());
    // Two old and two young; keep 3 by count, 1 hour by age: the two old ones go, nothing else.
    await seedMany(s, "alpha", "finished", "f", [3 * HOUR, 2 * HOUR, 2000, 1000]);
    expect(await run(s, { finishedCount: 3, finishedAgeMs: HOUR })).toBe(2);
    expect(ids(await readState(s))).toEqual({ sets: { "finished:alpha": ["f2", "f3"] }, records: ["f2", "f3"] });
  });

  it("deletes at most `limit` per set per call, oldest first, so repeated calls finish the job", async () => {
    const s = scope(redis());
    await seedMany(s, "alpha", "finished", "f", [70, 60, 50, 40, 30, 20, 10]);
    await seedMany(s, "alpha", "failed", "x", [3 * HOUR, 3 * HOUR - 1, 3 * HOUR - 2]);
    const args = { limit: 2, finishedCount: 2, failedAgeMs: HOUR };
    expect(await run(s, args)).toBe(4);
    expect(ids(await readState(s))).toEqual({ sets: { "finished:alpha": ["f2", "f3", "f4", "f5", "f6"], "failed:alpha": ["x2"] }, records: ["f2", "f3", "f4", "f5", "f6", "x2"] });
    expect(await run(s, args)).toBe(3);
    expect(await run(s, args)).toBe(1);
    expect(await run(s, args)).toBe(0);
    expect(ids(await readState(s))).toEqual({ sets: { "finished:alpha": ["f5", "f6"] }, records: ["f5", "f6"] });
  });

  it("never touches queued or executing jobs, and leaves everything within retention alone", async () => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "q");
    await seedExecuting(s, "alpha", "e");
    await seedMany(s, "alpha", "finished", "f", [1000]);
    const before = await readState(s);
    expect(await run(s, { finishedCount: 0, finishedAgeMs: 0, failedCount: 0, failedAgeMs: 0 })).toBe(1);
    expect(await readState(s)).toEqual({ ...before, jobs: { q: before.jobs!.q!, e: before.jobs!.e! }, zsets: { "ready:alpha": before.zsets!["ready:alpha"]!, "executing:alpha": before.zsets!["executing:alpha"]! } });
    expect(await run(s, { finishedCount: 0, finishedAgeMs: 0, failedCount: 0, failedAgeMs: 0 })).toBe(0);
  });
});
