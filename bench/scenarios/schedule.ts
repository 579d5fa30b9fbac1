import { payload } from "../adapters/adapter.js";
import { fill, perSecond, type Scenario } from "./scenario.js";

const WARMUP = 200;

/** N schedule calls, each awaited before the next. */
export const scheduleOne: Scenario = {
  name: "schedule-one",
  async run({ lib, redis, sizes, queue }) {
    const producer = await lib.producer(redis.url, queue);
    for (let i = 0; i < WARMUP; i++) await producer.add(payload(-1 - i));
    const t0 = performance.now();
    for (let i = 0; i < sizes.scheduleOne; i++) await producer.add(payload(i));
    const ms = performance.now() - t0;
    await producer.close();
    return [{ row: "schedule one by one", unit: "jobs/s", better: "higher", value: perSecond(sizes.scheduleOne, ms) }];
  },
};

/** N jobs in bulk calls of 1000, each awaited. */
export const scheduleBulk: Scenario = {
  name: "schedule-bulk",
  async run({ lib, redis, sizes, queue }) {
    const producer = await lib.producer(redis.url, queue);
    await fill((ps) => producer.addBulk(ps), 1000, -100_000);
    const t0 = performance.now();
    await fill((ps) => producer.addBulk(ps), sizes.scheduleBulk);
    const ms = performance.now() - t0;
    await producer.close();
    return [{ row: "schedule bulk (1000/call)", unit: "jobs/s", better: "higher", value: perSecond(sizes.scheduleBulk, ms) }];
  },
};
