import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { waitUntil } from "../support/redis-server.js";

// Whatever a pool's options and its handlers' pace, every job it can run runs, once: no combination
// of concurrency, batch, claiming ahead and job mix leaves a pool waiting while jobs are queued.

type M = { alpha: { n: number }; beta: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload) };

const { bundle } = useRedis();

interface JobSpec {
  readonly type: "alpha" | "beta";
  readonly priority: number;
  readonly delayMs: number;
}

const jobSpec: fc.Arbitrary<JobSpec> = fc.record({
  type: fc.constantFrom<"alpha" | "beta">("alpha", "beta"),
  priority: fc.constantFrom(0, 0, 0, 5, -5),
  delayMs: fc.constantFrom(0, 0, 0, 30),
});

const poolCase = fc.record({
  concurrency: fc.integer({ min: 1, max: 6 }),
  batchSize: fc.integer({ min: 1, max: 16 }),
  claimAhead: fc.boolean(),
  /** 0: the handler returns at once, without a promise. */
  handlerMs: fc.constantFrom(0, 1, 3, 6),
  twoTypes: fc.boolean(),
  /** Scheduled before the pool starts; as many again after, one by one, onto the running pool. */
  before: fc.array(jobSpec, { maxLength: 20 }),
  after: fc.array(jobSpec, { minLength: 1, maxLength: 20 }),
});

describe("a pool, whatever its options", () => {
  it("runs every job once: due, prioritised and delayed, of one type or two, scheduled before it starts and while it runs, handlers immediate or of a few ms", async () => {
    await fc.assert(
      fc.asyncProperty(poolCase, async ({ concurrency, batchSize, claimAhead, handlerMs, twoTypes, before, after }) => {
        const { jobs, pool } = bundle<M>(types);
        const runs = new Map<number, number>();
        let finished = 0;
        const handler = ({ n }: { n: number }): Promise<void> | undefined => {
          runs.set(n, (runs.get(n) ?? 0) + 1);
          return handlerMs === 0 ? undefined : new Promise<void>((resolve) => setTimeout(resolve, handlerMs));
        };
        let next = 0;
        const schedule = async (spec: JobSpec) => {
          const type = twoTypes ? spec.type : "alpha";
          await jobs.schedule(type, { n: next++ }, { priority: spec.priority, ...(spec.delayMs > 0 ? { delay: spec.delayMs } : {}) });
        };
        for (const spec of before) await schedule(spec);
        const tuning = { concurrency, batchSize, claimAhead };
        const p = twoTypes ? pool({ ...tuning, handlers: { alpha: handler, beta: handler } }) : pool<"alpha">({ ...tuning, handlers: { alpha: handler } });
        p.on("finished", () => finished++);
        await p.start();
        for (const spec of after) await schedule(spec);
        const total = before.length + after.length;
        await waitUntil(() => finished === total).catch(() => {
          throw new Error(`concurrency ${concurrency}, batch ${batchSize}, claimAhead ${claimAhead}, handlers of ${handlerMs} ms: ${finished} of ${total} jobs finished`);
        });
        await p.close();
        expect([...runs.values()].filter((count) => count !== 1)).toEqual([]);
        expect(runs.size).toBe(total);
      }),
      // A pool that stops taking jobs fails by timing out: the first such case is reported, not shrunk.
      { numRuns: 40, endOnFailure: true },
    );
  }, 120_000);
});
