import { payload } from "../adapters/adapter.js";
import { assertExactlyOnce, countRun, percentile, sleep, until } from "../stats.js";
import type { Metric, Scenario } from "./scenario.js";

const IDLE_MS = 500;
const CONCURRENCY = 10;

/**
 * An idle pool, then jobs scheduled 1 ms apart (not awaited one by one): the time from the schedule
 * call to the handler's start, per job, measured in this one process.
 */
export const idleLatency: Scenario = {
  name: "idle-latency",
  async run({ lib, redis, sizes, queue }): Promise<Metric[]> {
    const producer = await lib.producer(redis.url, queue);
    const sentAt = new Array<number>(sizes.latency);
    const latency: number[] = [];
    const runs = new Map<string, number>();
    let done = 0;
    const worker = await lib.worker(redis.url, queue, CONCURRENCY, {
      onRun: (id, p) => {
        latency.push(performance.now() - sentAt[p.userId]!);
        countRun(runs, id);
      },
      onDone: () => done++,
    });
    await worker.start();
    await sleep(IDLE_MS);
    const adds: Promise<string>[] = [];
    for (let i = 0; i < sizes.latency; i++) {
      sentAt[i] = performance.now();
      adds.push(producer.add(payload(i)));
      await sleep(1);
    }
    const ids = await Promise.all(adds);
    await until(() => done >= ids.length, 60_000, `${lib.name}: latency jobs done`);
    await worker.close();
    await producer.close();
    assertExactlyOnce(lib.name, "idle latency", ids, runs);
    return [
      { row: "idle latency p50", unit: "ms", better: "lower", value: percentile(latency, 50) },
      { row: "idle latency p99", unit: "ms", better: "lower", value: percentile(latency, 99) },
    ];
  },
};
