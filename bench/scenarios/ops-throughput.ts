import { createJobs } from "typed-jobs";
import { payload, type Payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { median, until } from "../stats.js";
import { perSecond, type Metric, type RunContext, type Scenario } from "./scenario.js";

const CONCURRENCY = 50;
/** On/off pairs per round, the order alternating (on-off, off-on, ...), so a drift of the machine's load hits both alike. */
const PAIRS = 4;
const TIMEOUT_MS = 180_000;

type M = { welcome: Payload };

/**
 * What the per-minute throughput series costs the settle path: N waiting jobs processed by one pool
 * at c=50 with PoolTuning.throughput on, then off (interleaved), each on a fresh namespace. Reports
 * both rates and their ratio (on / off; 1 means no cost).
 */
export const opsThroughputCost: Scenario = {
  name: "ops-throughput",
  group: "ops",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue, round }: RunContext): Promise<Metric[]> {
    const rates = { on: [] as number[], off: [] as number[] };
    // A first run warms the JIT and the server; it is not counted.
    await processOnce(redis.url, `${queue}-warmup`, sizes.process, true);
    for (let pair = 0; pair < PAIRS; pair++) {
      const order: ("on" | "off")[] = (pair + round) % 2 === 0 ? ["on", "off"] : ["off", "on"];
      for (const mode of order) {
        // Each run on an empty server: the jobs the runs before it left would slow it down.
        await redis.flush();
        rates[mode].push(await processOnce(redis.url, `${queue}-${pair}-${mode}`, sizes.process, mode === "on"));
      }
    }
    console.error(`ops-throughput: on ${rates.on.map(Math.round).join(", ")} jobs/s; off ${rates.off.map(Math.round).join(", ")} jobs/s`);
    const on = median(rates.on);
    const off = median(rates.off);
    return [
      { row: `process, 1 pool, c=${CONCURRENCY}, throughput series on`, unit: "jobs/s", better: "higher", value: on },
      { row: `process, 1 pool, c=${CONCURRENCY}, throughput series off`, unit: "jobs/s", better: "higher", value: off },
      { row: "throughput series cost: on / off (1 = free)", unit: "ratio", better: "higher", value: on / off },
    ];
  },
};

async function processOnce(url: string, namespace: string, n: number, throughput: boolean): Promise<number> {
  const jobs = createJobs<M>({ welcome: welcomeType(true) }, { redis: url, namespace });
  try {
    for (let i = 0; i < n; i += 1000) await jobs.scheduleBulk("welcome", Array.from({ length: Math.min(1000, n - i) }, (_, k) => payload(i + k)));
    let done = 0;
    const pool = jobs.createPool({ concurrency: CONCURRENCY, throughput, handlers: { welcome: async () => undefined } });
    pool.on("finished", () => done++);
    pool.on("error", (e) => console.error("typed-jobs pool error:", e));
    const t0 = performance.now();
    await pool.start();
    await until(() => done >= n, TIMEOUT_MS, `${n} jobs processed (throughput series ${throughput ? "on" : "off"})`);
    const ms = performance.now() - t0;
    await pool.close();
    return perSecond(n, ms);
  } finally {
    await jobs.close();
  }
}
