/**
 * Where a burst's time goes, with the pool in its own process:
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json npx tsx bench/profile/burst-trace.ts [--lib typed-jobs] [--bulk] [--bursts 5] [--monitor]
 * BURST jobs scheduled at once onto an idle pool (c=50); per burst, from the first schedule call:
 * when this process had made every call (the producer's own work), when every call had its reply,
 * when the pool started the first and the last job, and Redis's CPU time over the burst. With
 * --monitor, the commands Redis ran per burst, by name (typed-jobs' scripts by their name), from
 * Redis's MONITOR.
 */
import { parseArgs } from "node:util";
import { adapter, payload, type LibName } from "../adapters/adapter.js";
import { startChildren } from "../child-pool.js";
import { clockMs } from "../clock.js";
import { BenchRedis } from "../redis.js";
import { sleep } from "../stats.js";

const { values: args } = parseArgs({ options: { lib: { type: "string" }, bulk: { type: "boolean" }, bursts: { type: "string" }, monitor: { type: "boolean" } } });
const libName = (args.lib ?? "typed-jobs") as LibName;
const BURST = 1000;
const redis = await BenchRedis.start();
const lib = await adapter(libName);
const producer = await lib.producer(redis.url, "burst");
const pool = await startChildren(1, { lib: libName, url: redis.url, queue: "burst", concurrency: 50 });
pool.go();
await sleep(500);
// typed-jobs' scripts by function name (the built package's library), to name them.
const { luaFunctions } = (await import(new URL("../../dist/redis/lua.generated.js", import.meta.url).href)) as { luaFunctions: Record<string, string> };
const scriptNames = new Map(Object.entries(luaFunctions).map(([name, fn]) => [fn, name]));
const commands = new Map<string, number>();
const monitor = args.monitor ? await redis.admin.monitor() : undefined;
monitor?.on("monitor", (_time: string, argv: string[], source: string) => {
  if (source === "lua") return;
  const name = String(argv[0]).toLowerCase();
  const key = name === "fcall" ? (scriptNames.get(String(argv[1])) ?? "fcall") : name;
  commands.set(key, (commands.get(key) ?? 0) + 1);
});
let scheduled = 0;
/** Redis's CPU time so far (user and system), ms. */
async function redisCpuMs(): Promise<number> {
  const cpu = await redis.info("cpu");
  return (Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys)) * 1000;
}
const fmt = (x: number) => x.toFixed(1).padStart(6);
console.log(`${libName}, ${BURST} ${args.bulk ? "in one bulk call" : "schedule calls"}: ms from the first call to   calls made   replies   first start   last start   Redis CPU`);
for (let b = 0; b < Number(args.bursts ?? 5); b++) {
  const ps = Array.from({ length: BURST }, (_, i) => payload(scheduled + i));
  const cpuBefore = await redisCpuMs();
  const t0 = clockMs();
  const sent = args.bulk ? producer.addBulk(ps) : Promise.all(ps.map((p) => producer.add(p)));
  const made = clockMs();
  await sent;
  const replied = clockMs();
  scheduled += BURST;
  await pool.reached(scheduled);
  const starts = await pool.collect();
  const redisCpu = (await redisCpuMs()) - cpuBefore;
  console.log(`  burst ${b + 1}: ${" ".repeat(38)}${fmt(made - t0)}   ${fmt(replied - t0)}   ${fmt(Math.min(...starts.at) - t0)}   ${fmt(Math.max(...starts.at) - t0)}   ${fmt(redisCpu)}`);
  if (monitor) {
    await sleep(100);
    console.log(`    ${[...commands].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(", ")}`);
    commands.clear();
  }
  await sleep(300);
}
monitor?.disconnect();
await pool.stop([]);
await producer.close();
await redis.stop();
process.exit(0);
