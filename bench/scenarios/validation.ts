import { createJobs, type JobType } from "typed-jobs";
import { payload, type Payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { percentile } from "../stats.js";
import { alternate } from "./alternate.js";
import { perSecond, type Metric, type Scenario } from "./scenario.js";

const BLOCK = 250;
const BULK = 1000;
const CHECKS = 1_000_000;
// A difference of a few per cent needs many pairs to stand out of the noise; this scenario is short.
const PAIRS_PER_JOB_SIZE = 3;

/**
 * The overhead of the first variant over the second: the median of the per-block time ratios. A
 * sum over blocks lets one garbage collection or rehash in a block decide the result; the two
 * halves of a pair ran back to back, so their ratio cancels the drift between pairs.
 */
function overheadPercent([withCheck, without]: number[][]): number {
  return (percentile(withCheck!.map((ms, b) => ms / without![b]!), 50) - 1) * 100;
}

const total = (ms: number[]) => ms.reduce((a, b) => a + b, 0);

/**
 * The check's own cost per payload, on payloads made fresh as a schedule call gets them (a string
 * built from parts is flattened by the check's first regex, which costs as much as the rest): the
 * time to make and check each, less the time to make each alone, in alternating blocks.
 */
function checkCostNs(check: (value: unknown) => boolean): number {
  let sink = 0;
  const made = (i: number) => void (sink += payload(i).userId);
  const checked = (i: number) => {
    if (!check(payload(i))) throw new Error("bench payload failed its own schema");
  };
  const ns: number[][] = [[], []];
  for (let block = 0; block < 20; block++) {
    for (const [k, each] of [made, checked].entries()) {
      const t0 = performance.now();
      for (let i = 0; i < CHECKS / 20; i++) each(block * CHECKS + i);
      ns[k]!.push(((performance.now() - t0) * 1e6 * 20) / CHECKS);
    }
  }
  if (sink < 0) throw new Error("unreachable");
  return percentile(ns[1]!, 50) - percentile(ns[0]!, 50);
}

/**
 * typed-jobs only: the same schedule calls with the job type's check switched between the
 * TypeBox-compiled validator and one that returns true, in alternating blocks, on one client and one
 * namespace (two clients can differ by more than the check itself); plus
 * the check's own cost.
 */
export const validation: Scenario = {
  name: "validation",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue }): Promise<Metric[]> {
    const typeBox = welcomeType(true);
    let checking = true;
    const switchable: JobType<Payload> = { ...typeBox, check: (v: unknown): v is Payload => !checking || typeBox.check(v) };
    const jobs = createJobs<{ welcome: Payload }>({ welcome: switchable }, { redis: redis.url, namespace: queue });
    const withAndWithout = (block: (b: number) => Promise<void>) => [true, false].map((check) => (b: number) => ((checking = check), block(b)));
    await alternate(withAndWithout(async () => void (await jobs.schedule("welcome", payload(-1)))), 2);
    const oneBlocks = Math.ceil((PAIRS_PER_JOB_SIZE * sizes.scheduleOne) / BLOCK);
    const one = await alternate(
      withAndWithout(async (b) => {
        for (let i = 0; i < BLOCK; i++) await jobs.schedule("welcome", payload(b * BLOCK + i));
      }),
      oneBlocks,
    );
    const bulkBlocks = Math.ceil((PAIRS_PER_JOB_SIZE * sizes.scheduleBulk) / BULK);
    const bulk = await alternate(
      withAndWithout(async (b) => {
        await jobs.scheduleBulk("welcome", Array.from({ length: BULK }, (_, i) => payload(1e6 + b * BULK + i)));
      }),
      bulkBlocks,
    );
    await jobs.close();
    const checkNs = checkCostNs(typeBox.check);
    const rate = (ms: number, n: number) => perSecond(n, ms);
    const [oneCheck, oneNone] = [rate(total(one[0]!), oneBlocks * BLOCK), rate(total(one[1]!), oneBlocks * BLOCK)];
    const [bulkCheck, bulkNone] = [rate(total(bulk[0]!), bulkBlocks * BULK), rate(total(bulk[1]!), bulkBlocks * BULK)];
    return [
      { row: "schedule one, TypeBox check", unit: "jobs/s", better: "higher", value: oneCheck },
      { row: "schedule one, check → true", unit: "jobs/s", better: "higher", value: oneNone },
      { row: "validation overhead, one by one", unit: "%", better: "lower", value: overheadPercent(one) },
      { row: "schedule bulk, TypeBox check", unit: "jobs/s", better: "higher", value: bulkCheck },
      { row: "schedule bulk, check → true", unit: "jobs/s", better: "higher", value: bulkNone },
      { row: "validation overhead, bulk", unit: "%", better: "lower", value: overheadPercent(bulk) },
      { row: "TypeBox Check per payload", unit: "ns", better: "lower", value: checkNs },
      { row: "Check time / one-by-one schedule time", unit: "%", better: "lower", value: (checkNs / 1e6 / (1000 / oneCheck)) * 100 },
      { row: "Check time / bulk schedule time per job", unit: "%", better: "lower", value: (checkNs / 1e6 / (1000 / bulkCheck)) * 100 },
    ];
  },
};
