import { payload } from "../adapters/adapter.js";
import { typedJobs, welcomeType } from "../adapters/typed-jobs.js";
import { fill, perSecond, type Metric, type Scenario } from "./scenario.js";

const WARMUP = 200;
const CHECKS = 1_000_000;

/**
 * typed-jobs only: the same schedule calls with the TypeBox-compiled check and with a check that
 * returns true, alternated in one run; plus the check's own cost per call.
 */
export const validation: Scenario = {
  name: "validation",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue, round }): Promise<Metric[]> {
    const rates = new Map<boolean, { one: number; bulk: number }>();
    for (const validate of round % 2 === 0 ? [true, false] : [false, true]) {
      const producer = await typedJobs.producer(redis.url, `${queue}-${validate}`, { validate });
      for (let i = 0; i < WARMUP; i++) await producer.add(payload(-1 - i));
      let t0 = performance.now();
      for (let i = 0; i < sizes.scheduleOne; i++) await producer.add(payload(i));
      const one = perSecond(sizes.scheduleOne, performance.now() - t0);
      t0 = performance.now();
      await fill((ps) => producer.addBulk(ps), sizes.scheduleBulk);
      const bulk = perSecond(sizes.scheduleBulk, performance.now() - t0);
      rates.set(validate, { one, bulk });
      await producer.close();
    }
    const check = welcomeType(true).check;
    const inputs = Array.from({ length: 1000 }, (_, i) => payload(i));
    let t0 = performance.now();
    for (let i = 0; i < CHECKS; i++) if (!check(inputs[i % 1000])) throw new Error("bench payload failed its own schema");
    const checkNs = ((performance.now() - t0) * 1e6) / CHECKS;
    const withCheck = rates.get(true)!;
    const without = rates.get(false)!;
    return [
      { row: "schedule one, TypeBox check", unit: "jobs/s", better: "higher", value: withCheck.one },
      { row: "schedule one, check → true", unit: "jobs/s", better: "higher", value: without.one },
      { row: "validation overhead, one by one", unit: "%", better: "lower", value: (without.one / withCheck.one - 1) * 100 },
      { row: "schedule bulk, TypeBox check", unit: "jobs/s", better: "higher", value: withCheck.bulk },
      { row: "schedule bulk, check → true", unit: "jobs/s", better: "higher", value: without.bulk },
      { row: "validation overhead, bulk", unit: "%", better: "lower", value: (without.bulk / withCheck.bulk - 1) * 100 },
      { row: "TypeBox Check per payload", unit: "ns", better: "lower", value: checkNs },
      { row: "Check cost / one-by-one schedule time", unit: "%", better: "lower", value: (checkNs / 1e6) / (1000 / withCheck.one) * 100 },
    ];
  },
};
