import { describe, expect, it, vi } from "vitest";
import { RetentionSweeper } from "../../src/pool/retention-sweeper.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { scope, seedFinished } from "../redis/seed.js";

// A pool's retention sweep: deletes ended jobs past retention in calls of a bounded size (each call
// blocks Redis while it runs), calling again at once while a call fills its batch.

const { server } = useRedis();
const redis = useRedisClient(server);

const HOUR = 3_600_000;

describe("RetentionSweeper", () => {
  it("trims a set far over its limit in calls of at most 200, the next sent at once while a call fills its batch, down to the limit, records too", async () => {
    const s = scope(redis());
    const now = Date.now();
    for (let i = 0; i < 450; i++) await seedFinished(s, "alpha", `f${i}`, "finished", { t: "alpha", ft: now - 450 + i });
    const calls: { deleted: number; at: number }[] = [];
    const run = s.runner.run.bind(s.runner);
    vi.spyOn(s.runner, "run").mockImplementation(async (...args) => {
      const at = performance.now();
      const reply = await run(...args);
      if (args[0] === "trimRetained") calls.push({ deleted: Number(reply), at });
      return reply;
    });
    const errors: unknown[] = [];
    // An interval long beside a call's round trip: a call sent after a wait of the interval, not at
    // once, would leave a gap of 900 ms or more.
    const sweepMs = 1000;
    const sweeper = new RetentionSweeper(s.runner, ["alpha"], { finishedCount: 5, finishedAgeMs: HOUR, failedCount: 5, failedAgeMs: HOUR, sweepMs }, (error) => errors.push(error));
    sweeper.start();
    await waitUntil(async () => (await redis().zcard(s.key("finished:alpha"))) === 5);
    await sweeper.stop();

    expect(errors).toEqual([]);
    expect(calls.slice(0, 3).map((c) => c.deleted)).toEqual([200, 200, 45]);
    expect(calls[1]!.at - calls[0]!.at).toBeLessThan(sweepMs / 2);
    expect(calls[2]!.at - calls[1]!.at).toBeLessThan(sweepMs / 2);
    // The newest five are kept, with their records; the rest are gone from the jobs hash too.
    expect((await redis().zrange(s.key("finished:alpha"), "0", "-1")).sort()).toEqual(["f445", "f446", "f447", "f448", "f449"]);
    expect(await redis().hlen(s.key("jobs"))).toBe(5);
  });
});
