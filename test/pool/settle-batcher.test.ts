import { describe, expect, it, vi } from "vitest";
import type { Settlement, SettleOutcome } from "../../src/redis/scripts/settle.js";
import { SettleBatcher } from "../../src/pool/settle-batcher.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { scope, seedExecuting, type Scope } from "../redis/seed.js";

// The pool's settles: attempts that end in one turn share one settle.lua call; a call Redis refuses
// is sent again until it lands; each attempt is told its outcome once, by callback.

const { server } = useRedis();
const redis = useRedisClient(server);

function ok(id: string): Settlement {
  return { id, attempt: 1, type: "alpha", outcome: "ok", retryDelayMs: 0, nextRunAt: undefined };
}

function batcherOn(s: Scope) {
  const errors: unknown[] = [];
  const batcher = new SettleBatcher(s.runner, "pool-a", (error) => errors.push(error));
  const outcomes = new Map<string, SettleOutcome[]>();
  const add = (id: string) => batcher.add(ok(id), (outcome) => outcomes.set(id, [...(outcomes.get(id) ?? []), outcome]));
  return { batcher, errors, outcomes, add };
}

/** An executing job "j" whose settle was added while Redis refuses every settle, once it was refused `refusals` times. */
async function refusedSettle(s: Scope, refusals: number) {
  await seedExecuting(s, "alpha", "j");
  const restore = await refuseSettles(s);
  const batched = batcherOn(s);
  batched.add("j");
  await waitUntil(async () => batched.errors.length >= refusals, 5_000);
  return { ...batched, restore };
}

/** Makes every settle fail (the jobs hash is moved away and a string put in its place) until `restore` is called. */
async function refuseSettles(s: Scope): Promise<() => Promise<void>> {
  await s.redis.rename(s.key("jobs"), s.key("jobs-away"));
  await s.redis.set(s.key("jobs"), "not a hash");
  return async () => {
    await s.redis.del(s.key("jobs"));
    await s.redis.rename(s.key("jobs-away"), s.key("jobs"));
  };
}

describe("SettleBatcher", () => {
  it("settles the attempts added in one turn with one call, and tells each its own outcome", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "a");
    await seedExecuting(s, "alpha", "b", { a: 2 });
    const { batcher, outcomes, add } = batcherOn(s);
    const calls = vi.spyOn(s.runner, "run");
    add("a");
    add("b");
    await batcher.drain();
    expect(calls).toHaveBeenCalledTimes(1);
    expect(Object.fromEntries(outcomes)).toEqual({ a: ["finished"], b: ["stale"] });
  });

  it("sends a settle Redis refused again until it lands, reporting each refusal, and tells the attempt once", async () => {
    const s = scope(redis());
    const { batcher, errors, outcomes, restore } = await refusedSettle(s, 2);
    expect(outcomes.size).toBe(0);
    expect(String(errors[0])).toMatch(/WRONGTYPE/);
    await restore();
    await batcher.drain();
    expect(Object.fromEntries(outcomes)).toEqual({ j: ["finished"] });
    expect(await s.redis.zscore(s.key("finished:alpha"), "j")).not.toBeNull();
  });

  it("once stopped, tells what has not landed, and what is added later, stale", async () => {
    const s = scope(redis());
    const { batcher, outcomes, add, restore } = await refusedSettle(s, 1);
    batcher.stop();
    add("later");
    await batcher.drain();
    expect(Object.fromEntries(outcomes)).toEqual({ j: ["stale"], later: ["stale"] });
    await restore();
    // Nothing was written for the attempt: its lease will run out and another pool recover it.
    expect(await s.redis.zscore(s.key("executing:alpha"), "j")).not.toBeNull();
  });

  it("reports a callback that throws, and still tells the others of its batch", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "a");
    await seedExecuting(s, "alpha", "b");
    const { batcher, errors, outcomes, add } = batcherOn(s);
    batcher.add(ok("a"), () => {
      throw new Error("listener failed");
    });
    add("b");
    await batcher.drain();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toMatch(/job a: what follows its settle threw: listener failed/);
    expect(Object.fromEntries(outcomes)).toEqual({ b: ["finished"] });
  });
});
