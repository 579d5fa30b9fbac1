import { payload } from "../adapters/adapter.js";
import { collectGarbage } from "../gc-trace.js";
import { assertExactlyOnce, countRun, percentile, sleep, until } from "../stats.js";
import type { Metric, Scenario } from "./scenario.js";
import { LATENCY_WARMUP_JOBS } from "./warmup.js";

const IDLE_MS = 500;
const CONCURRENCY = 10;

/**
 * An idle pool, warmed up (a full collection, then LATENCY_WARMUP_JOBS), then jobs scheduled 1 ms apart
 * (not awaited one by one): the time from the schedule call to the handler's start, per job, measured
 * in this one process.
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
        // Warm-up jobs have negative userIds.
        if (p.userId >= 0) latency.push(performance.now() - sentAt[p.userId]!);
        countRun(runs, id);
      },
      onDone: () => done++,
    });
    collectGarbage();
    await worker.start();
    const warmup: Promise<string>[] = [];
    for (let i = 0; i < LATENCY_WARMUP_JOBS; i++) {
      warmup.push(producer.add(payload(-1 - i)));
      await sleep(1);
    }
    const warmIds = await Promise.all(warmup);
    await until(() => done >= warmIds.length, 60_000, `${lib.name}: warm-up jobs done`);
    await sleep(IDLE_MS);
    const adds: Promise<string>[] = [];
    for (let i = 0; i < sizes.latency; i++) {
      sentAt[i] = performance.now();
      adds.push(producer.add(payload(i)));
      await sleep(1);
    }
    const ids = await Promise.all(adds);
    await until(() => done >= warmIds.length + ids.length, 60_000, `${lib.name}: latency jobs done`);
    await worker.close();
    await producer.close();
    assertExactlyOnce(lib.name, "idle latency", [...warmIds, ...ids], runs);
    return [
      { row: "idle latency p50", unit: "ms", better: "lower", value: percentile(latency, 50) },
      { row: "idle latency p99", unit: "ms", better: "lower", value: percentile(latency, 99) },
    ];
  },
};
