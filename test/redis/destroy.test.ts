import { describe, expect, it } from "vitest";
import { destroy } from "../../src/redis/scripts/job-commands.js";
import { extendLease } from "../../src/redis/scripts/extend-lease.js";
import { settle } from "../../src/redis/scripts/settle.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { readState, scope, seedExecuting, seedFinished, seedQueued, seedScheduled, type Scope } from "./seed.js";

// destroy.lua: deletes a job and every trace of it; safe to repeat. A job destroyed while it runs
// stays gone: its pool's lease renewal reports it lost and its settle writes nothing.

const { server } = useRedis();
const redis = useRedisClient(server);

describe("destroy.lua", () => {
  it.each([
    { name: "ready", seed: (s: Scope) => seedQueued(s, "alpha", "j") },
    { name: "scheduled", seed: (s: Scope) => seedScheduled(s, "alpha", "j") },
    { name: "executing", seed: (s: Scope) => seedExecuting(s, "alpha", "j") },
    { name: "finished", seed: (s: Scope) => seedFinished(s, "alpha", "j", "finished") },
    { name: "failed", seed: (s: Scope) => seedFinished(s, "alpha", "j", "failed") },
    { name: "cancelled", seed: (s: Scope) => seedFinished(s, "alpha", "j", "cancelled") },
    { name: "rejected", seed: (s: Scope) => seedFinished(s, "alpha", "j", "rejected") },
  ])("deletes a $name job and its set entry, keeps the others; a second destroy finds nothing", async ({ seed }) => {
    const s = scope(redis());
    await seedQueued(s, "alpha", "keep");
    const kept = await readState(s);
    await seed(s);
    expect(await destroy(s.runner, "alpha", "j")).toBe(true);
    expect(await readState(s)).toEqual(kept);
    expect(await destroy(s.runner, "alpha", "j")).toBe(false);
    expect(await readState(s)).toEqual(kept);
  });

  it("a job destroyed while executing is reported lost by its pool's heartbeat and its settle is 'gone'", async () => {
    const s = scope(redis());
    await seedExecuting(s, "alpha", "j");
    expect(await destroy(s.runner, "alpha", "j")).toBe(true);
    expect(await extendLease(s.runner, "pool-a", 10_000, [{ id: "j", attempt: 1, type: "alpha" }])).toEqual({ lost: ["j"], cancelRequested: [] });
    expect(await settle(s.runner, "pool-a", [{ id: "j", attempt: 1, type: "alpha", outcome: "ok", retryDelayMs: 0, nextRunAt: undefined }])).toEqual(["gone"]);
    expect(await readState(s)).toEqual({ zsets: { pools: { "pool-a": expect.any(Number) } } });
  });

  it("a missing job is not an error", async () => {
    const s = scope(redis());
    expect(await destroy(s.runner, "alpha", "never")).toBe(false);
    expect(await readState(s)).toEqual({});
  });
});
