/**
 * A producer's CPU per awaited schedule call, one call a millisecond, as the idle-latency rows make them:
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/profile/producer-cost.ts [lib] [calls] [pool]
 * On a private redis-server; with `pool`, a pool of the same library (c=10) runs the jobs in a process
 * of its own, so typed-jobs' schedule calls hand each job over. After 2,000 unmeasured calls, prints
 * this process's user and system CPU per call (process.cpuUsage) over `calls` more (default 3,000).
 */
import { payload, adapter, type LibName } from "../adapters/adapter.js";
import { startChildren } from "../child-pool.js";
import { BenchRedis } from "../redis.js";
import { sleep } from "../stats.js";

const WARMUP = 2000;
const name = (process.argv[2] ?? "typed-jobs") as LibName;
const n = Number(process.argv[3] ?? 3000);
const withPool = process.argv[4] === "pool";

const lib = await adapter(name);
const redis = await BenchRedis.start();
const producer = await lib.producer(redis.url, "cost");
const pool = withPool ? await startChildren(1, { lib: name, url: redis.url, queue: "cost", concurrency: 10 }) : undefined;
pool?.go();
for (let i = 0; i < WARMUP; i++) {
  await producer.add(payload(i));
  await sleep(1);
}
const before = process.cpuUsage();
for (let i = 0; i < n; i++) {
  await producer.add(payload(WARMUP + i));
  await sleep(1);
}
const { user, system } = process.cpuUsage(before);
const per = (micros: number) => (micros / n).toFixed(1);
console.log(`${lib.name}${withPool ? ", pool in its own process" : ", no pool"}: producer CPU per call ${per(user + system)} µs (user ${per(user)}, system ${per(system)})`);
await pool?.reached(WARMUP + n);
await pool?.stop([]);
await producer.close();
await redis.stop();
process.exit(0);
