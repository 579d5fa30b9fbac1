import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BackoffOption } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { waitUntil } from "../support/redis-server.js";

// Whatever a pool's options and its handlers' pace, every job it can run runs, once: no combination
// of concurrency, batch, claiming ahead, idle wait and job mix leaves a pool waiting while jobs are
// queued (a batch over twice the concurrency once did, claiming ahead).

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
  /** How long a pool waits idle before it claims again (the default, or short: waits end with pops still pending). */
  idleWait: fc.constantFrom<number | undefined>(undefined, 20, 100),
  /** Pools of these options on the namespace. */
  pools: fc.integer({ min: 1, max: 2 }),
  /** Every job's first attempt fails (the job allows one retry, after a backoff of none or 20 ms). */
  failFirst: fc.boolean(),
  backoff: fc.constantFrom<BackoffOption>("none", { type: "fixed", delay: 20 }),
  /** Scheduled before the pools start, then one by one onto the running pools. */
  before: fc.array(jobSpec, { maxLength: 20 }),
  after: fc.array(jobSpec, { minLength: 1, maxLength: 20 }),
});

describe("a pool, whatever its options", () => {
  it("runs every job once, or twice when its first attempt fails: due, prioritised and delayed, of one type or two, by one pool or two, scheduled before they start and while they run, handlers immediate or of a few ms", async () => {
    await fc.assert(
      fc.asyncProperty(poolCase, async ({ concurrency, batchSize, claimAhead, handlerMs, twoTypes, idleWait, pools, failFirst, backoff, before, after }) => {
        const { jobs, pool } = bundle<M>(types);
        const runs = new Map<number, number>();
        let finished = 0;
        const handler = ({ n }: { n: number }): Promise<void> | undefined => {
          const run = (runs.get(n) ?? 0) + 1;
          runs.set(n, run);
          const fails = failFirst && run === 1;
          if (handlerMs === 0) {
            if (fails) throw new Error("first attempt");
            return undefined;
          }
          return new Promise<void>((resolve, reject) => setTimeout(() => (fails ? reject(new Error("first attempt")) : resolve()), handlerMs));
        };
        let next = 0;
        const schedule = async (spec: JobSpec) => {
          const type = twoTypes ? spec.type : "alpha";
          await jobs.schedule(type, { n: next++ }, { priority: spec.priority, ...(spec.delayMs > 0 ? { delay: spec.delayMs } : {}), ...(failFirst ? { retries: 1, backoff } : {}) });
        };
        for (const spec of before) await schedule(spec);
        const tuning = { concurrency, batchSize, claimAhead, ...(idleWait === undefined ? {} : { idleWait }) };
        const started = Array.from({ length: pools }, () => {
          const p = twoTypes ? pool({ ...tuning, handlers: { alpha: handler, beta: handler } }) : pool<"alpha">({ ...tuning, handlers: { alpha: handler } });
          p.on("finished", () => finished++);
          return p;
        });
        for (const p of started) await p.start();
        for (const spec of after) await schedule(spec);
        const total = before.length + after.length;
        await waitUntil(() => finished === total, 10_000, () => `${pools} pool(s), concurrency ${concurrency}, batch ${batchSize}, claimAhead ${claimAhead}, idleWait ${idleWait ?? "default"}, handlers of ${handlerMs} ms${failFirst ? ", failing first" : ""}: ${finished} of ${total} jobs finished`);
        for (const p of started) await p.close();
        expect([...runs.values()].filter((count) => count !== (failFirst ? 2 : 1))).toEqual([]);
        expect(runs.size).toBe(total);
      }),
      // A pool that stops taking jobs fails by timing out: the first such case is reported, not shrunk.
      { numRuns: 40, endOnFailure: true },
    );
  }, 120_000);
});
