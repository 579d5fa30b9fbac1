/**
 * What a backlog costs processing, outside the scale scenario:
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json npx tsx bench/profile/backlog-cost.ts [backlog] [pairs] [delayed]
 * As the scale rows pair them: one redis-server holds the backlog (default 1,000,000 waiting jobs;
 * with `delayed`, that many jobs delayed by a day, and 20,000 due jobs added before each of its
 * turns, as the "delayed beside" rows have them); a second is flushed and given 20,000 jobs before
 * each of its turns. In turns, order swapped every
 * pair, one pool at c=50 (in this process) processes 20,000 jobs from each. Prints each run's rate,
 * Redis's CPU per processed job (INFO cpu) and its time per processed job by command (INFO
 * commandstats, script-internal commands under their own names), then the median of the per-pair
 * rate ratios.
 */
import { createJobs } from "typed-jobs";
import { payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { BenchRedis } from "../redis.js";
import { median, until } from "../stats.js";

const SAMPLE = 20_000;
const backlog = Number(process.argv[2] ?? 1_000_000);
const pairs = Number(process.argv[3] ?? 6);
const delayed = process.argv[4] === "delayed";
const DELAY = "24h";

async function fill(url: string, namespace: string, n: number, delay?: string): Promise<void> {
  const jobs = createJobs({ welcome: welcomeType(true) }, { redis: url, namespace });
  for (let i = 0; i < n; i += 1000) await jobs.scheduleBulk("welcome", Array.from({ length: Math.min(1000, n - i) }, (_, k) => payload(i + k)), delay ? { delay } : {});
  await jobs.close();
}

async function redisCpuSeconds(redis: BenchRedis): Promise<number> {
  const cpu = await redis.info("cpu");
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
}

/** SAMPLE jobs processed at c=50: jobs/s, Redis's CPU µs per job meanwhile, and its µs per job by command. */
async function processSome(redis: BenchRedis, namespace: string): Promise<{ rate: number; redisUsPerJob: number; byCommand: string }> {
  const jobs = createJobs({ welcome: welcomeType(true) }, { redis: redis.url, namespace });
  let done = 0;
  const pool = jobs.createPool({ concurrency: 50, handlers: { welcome: async () => undefined } });
  pool.on("finished", () => done++);
  await redis.admin.config("RESETSTAT");
  const cpuBefore = await redisCpuSeconds(redis);
  const t0 = performance.now();
  await pool.start();
  await until(() => done >= SAMPLE, 120_000, `${SAMPLE} jobs processed`);
  const rate = (SAMPLE / (performance.now() - t0)) * 1000;
  await pool.close();
  const redisUsPerJob = (((await redisCpuSeconds(redis)) - cpuBefore) * 1e6) / SAMPLE;
  const byCommand = Object.entries(await redis.info("commandstats"))
    .map(([name, stats]) => [name.replace("cmdstat_", ""), Number(/usec=(\d+)/.exec(stats)?.[1] ?? 0) / SAMPLE] as const)
    .filter(([name, us]) => us >= 0.05 && name !== "info" && name !== "config|resetstat")
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => `${name} ${us.toFixed(2)}`)
    .join("  ");
  await jobs.close();
  return { rate, redisUsPerJob, byCommand };
}

const withBacklog = await BenchRedis.start();
const reference = await BenchRedis.start();
try {
  if (delayed) await fill(withBacklog.url, "backlog", backlog, DELAY);
  else await fill(withBacklog.url, "backlog", backlog + pairs * SAMPLE);
  const ratios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const rates = { reference: 0, backlog: 0 };
    for (const side of pair % 2 === 0 ? (["reference", "backlog"] as const) : (["backlog", "reference"] as const)) {
      if (side === "reference") {
        await reference.flush();
        await fill(reference.url, `reference${pair}`, SAMPLE);
      } else if (delayed) {
        await fill(withBacklog.url, "backlog", SAMPLE);
      }
      const [server, namespace] = side === "reference" ? [reference, `reference${pair}`] : [withBacklog, "backlog"];
      const moved = await server.rehashing(`tj:{${namespace}}:jobs`);
      const run = await processSome(server, namespace);
      rates[side] = run.rate;
      const state = moved === undefined ? "jobs hash settled" : `jobs hash rehashing, ${(moved * 100).toFixed(0)} % moved`;
      console.log(`pair ${pair} ${side.padEnd(9)} ${Math.round(run.rate)} jobs/s (${state}), Redis ${run.redisUsPerJob.toFixed(1)} µs/job: ${run.byCommand} (µs/job)`);
    }
    ratios.push(rates.backlog / rates.reference);
  }
  console.log(`backlog ÷ reference, median of ${pairs} pairs: ${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(", ")})`);
} finally {
  await withBacklog.stop();
  await reference.stop();
}
