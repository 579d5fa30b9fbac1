import { payload, type Producer } from "../adapters/adapter.js";
import { typedJobs, welcomeType } from "../adapters/typed-jobs.js";
import { perSecond, type Metric, type Scenario } from "./scenario.js";

const BLOCK = 250;
const BULK = 1000;
const CHECKS = 1_000_000;

/** Times `block` on each variant in turn, alternating who goes first, so drift and load hit both alike. */
async function alternate(variants: readonly Producer[], blocks: number, block: (p: Producer, b: number) => Promise<void>): Promise<number[]> {
  const ms = variants.map(() => 0);
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (k + b) % variants.length;
      const t0 = performance.now();
      await block(variants[v]!, b);
      ms[v]! += performance.now() - t0;
    }
  }
  return ms;
}

/**
 * typed-jobs only: the same schedule calls through a job type whose check is the TypeBox-compiled
 * validator and through one whose check returns true, in alternating blocks; plus the check's own cost.
 */
export const validation: Scenario = {
  name: "validation",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue }): Promise<Metric[]> {
    const variants = [await typedJobs.producer(redis.url, `${queue}-check`, { validate: true }), await typedJobs.producer(redis.url, `${queue}-none`, { validate: false })];
    await alternate(variants, 2, async (p) => void (await p.add(payload(-1))));
    const oneBlocks = Math.ceil(sizes.scheduleOne / BLOCK);
    const one = await alternate(variants, oneBlocks, async (p, b) => {
      for (let i = 0; i < BLOCK; i++) await p.add(payload(b * BLOCK + i));
    });
    const bulkBlocks = Math.ceil(sizes.scheduleBulk / BULK);
    const bulk = await alternate(variants, bulkBlocks, async (p, b) => {
      await p.addBulk(Array.from({ length: BULK }, (_, i) => payload(1e6 + b * BULK + i)));
    });
    await Promise.all(variants.map((p) => p.close()));
    const check = welcomeType(true).check;
    const inputs = Array.from({ length: 1000 }, (_, i) => payload(i));
    const t0 = performance.now();
    for (let i = 0; i < CHECKS; i++) if (!check(inputs[i % 1000])) throw new Error("bench payload failed its own schema");
    const checkNs = ((performance.now() - t0) * 1e6) / CHECKS;
    const rate = (ms: number, n: number) => perSecond(n, ms);
    const [oneCheck, oneNone] = [rate(one[0]!, oneBlocks * BLOCK), rate(one[1]!, oneBlocks * BLOCK)];
    const [bulkCheck, bulkNone] = [rate(bulk[0]!, bulkBlocks * BULK), rate(bulk[1]!, bulkBlocks * BULK)];
    return [
      { row: "schedule one, TypeBox check", unit: "jobs/s", better: "higher", value: oneCheck },
      { row: "schedule one, check → true", unit: "jobs/s", better: "higher", value: oneNone },
      { row: "validation overhead, one by one", unit: "%", better: "lower", value: (oneNone / oneCheck - 1) * 100 },
      { row: "schedule bulk, TypeBox check", unit: "jobs/s", better: "higher", value: bulkCheck },
      { row: "schedule bulk, check → true", unit: "jobs/s", better: "higher", value: bulkNone },
      { row: "validation overhead, bulk", unit: "%", better: "lower", value: (bulkNone / bulkCheck - 1) * 100 },
      { row: "TypeBox Check per payload", unit: "ns", better: "lower", value: checkNs },
      { row: "Check time / one-by-one schedule time", unit: "%", better: "lower", value: (checkNs / 1e6 / (1000 / oneCheck)) * 100 },
    ];
  },
};
