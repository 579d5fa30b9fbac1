/**
 * Redis's work per processed job with and without a backlog waiting behind the processed jobs:
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json npx tsx bench/profile/backlog-cost.ts [0,1000000,0,1000000]
 * For each backlog size in turn, on one private redis-server flushed between them: 20,000 jobs plus
 * the backlog scheduled in bulk, then one pool at c=50 (in this process) processes 20,000. Prints the
 * rate, Redis's CPU per processed job (INFO cpu) and, per command, calls / µs / µs per call.
 */
import { createJobs } from "typed-jobs";
import { payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { BenchRedis } from "../redis.js";
import { until } from "../stats.js";

const SAMPLE = 20_000;
const redis = await BenchRedis.start();
const redisCpuSeconds = async () => {
  const cpu = await redis.info("cpu");
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
};
try {
  for (const backlog of (process.argv[2] ?? "0,1000000,0,1000000").split(",").map(Number)) {
    await redis.flush();
    const jobs = createJobs({ welcome: welcomeType(true) }, { redis: redis.url, namespace: "backlog-cost" });
    for (let i = 0; i < SAMPLE + backlog; i += 1000) await jobs.scheduleBulk("welcome", Array.from({ length: 1000 }, (_, k) => payload(i + k)));
    await redis.admin.config("RESETSTAT");
    const cpuBefore = await redisCpuSeconds();
    let done = 0;
    const pool = jobs.createPool({ concurrency: 50, handlers: { welcome: async () => undefined } });
    pool.on("finished", () => done++);
    const t0 = performance.now();
    await pool.start();
    await until(() => done >= SAMPLE, 120_000, `${SAMPLE} jobs processed`);
    const ms = performance.now() - t0;
    await pool.close();
    const cpuUsPerJob = ((await redisCpuSeconds()) - cpuBefore) * 1e6 / SAMPLE;
    const perCommand = Object.entries(await redis.info("commandstats")).map(([name, v]) => `${name.replace("cmdstat_", "")} ${/calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/.exec(v)?.slice(1).join("/")}`);
    console.log(JSON.stringify({ backlog, jobsPerSecond: Math.round((SAMPLE / ms) * 1000), redisCpuUsPerJob: Number(cpuUsPerJob.toFixed(1)), usedMemory: (await redis.info("memory")).used_memory_human }));
    console.log(`  ${perCommand.join("  ")}`);
    await jobs.close();
  }
} finally {
  await redis.stop();
}
