/**
 * What a processed job costs the pool and Redis, while one pool drains a backlog:
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/profile/pool-cost.ts [jobs] [runs] [flags]
 * On a private redis-server, per run: `jobs` waiting jobs (default 50,000), then one pool at c=50 in
 * this process processes them. Prints jobs/s, this process's CPU per job, Redis's CPU per job and its
 * time per job by command (INFO commandstats: a script's own commands are counted under their names
 * and inside the script's FCALL). Flags, each for the last run:
 *   --prof          this process's CPU profile (inspector, 50 µs sampling): self time by function
 *   --slowlog       every command logged: Redis's time per job by script function, and per call
 *   --perf FILE     `perf record` of the redis-server (PERF_CG=dwarf for call graphs without frame
 *                   pointers); Debian's redis-server has no symbols for its Lua, a build from source does
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Session } from "node:inspector/promises";
import { createJobs } from "typed-jobs";
import { payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { BenchRedis } from "../redis.js";
import { until } from "../stats.js";

const CONCURRENCY = 50;
const args = process.argv.slice(2);
const positional = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--perf");
const n = Number(positional[0] ?? 50_000);
const runs = Number(positional[1] ?? 5);
const perfFile = args.includes("--perf") ? args[args.indexOf("--perf") + 1] : undefined;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

const redis = await BenchRedis.start();
const session = new Session();
session.connect();
try {
  for (let r = 0; r < runs; r++) {
    const last = r === runs - 1;
    await runOnce(`p${r}`, {
      profile: last && args.includes("--prof"),
      slowlog: last && args.includes("--slowlog"),
      perfFile: last ? perfFile : undefined,
    });
    await redis.flush();
  }
} finally {
  session.disconnect();
  await redis.stop();
}

async function runOnce(namespace: string, want: { profile: boolean; slowlog: boolean; perfFile: string | undefined }): Promise<void> {
  const jobs = createJobs({ welcome: welcomeType(true) }, { redis: redis.url, namespace });
  for (let i = 0; i < n; i += 1000) await jobs.scheduleBulk("welcome", Array.from({ length: Math.min(1000, n - i) }, (_, k) => payload(i + k)));
  let done = 0;
  const pool = jobs.createPool({ concurrency: CONCURRENCY, handlers: { welcome: async () => undefined } });
  pool.on("finished", () => done++);

  await redis.admin.config("RESETSTAT");
  if (want.slowlog) await logEveryCommand(true);
  if (want.profile) await startProfile();
  const perf = want.perfFile ? await startPerf(want.perfFile) : undefined;
  const redisCpuBefore = await redisCpuSeconds();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await pool.start();
  await until(() => done >= n, 120_000, `${n} jobs processed`);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  if (perf) await stopPerf(perf);
  const redisCpu = (await redisCpuSeconds()) - redisCpuBefore;
  const profile = want.profile ? ((await session.post("Profiler.stop")).profile as CpuProfile) : undefined;
  await pool.close();
  await jobs.close();

  const perJob = (us: number): number => Number((us / n).toFixed(2));
  console.log(JSON.stringify({ rate: Math.round((n / ms) * 1000), poolUsPerJob: perJob(cpu.user + cpu.system), redisUsPerJob: perJob(redisCpu * 1e6) }));
  console.log(`  by command, µs/job (calls/job): ${await byCommand()}`);
  if (want.slowlog) {
    console.log(`  by script (SLOWLOG), µs/job: ${await byScript()}`);
    await logEveryCommand(false);
  }
  if (profile) printProfile(profile);
}

async function redisCpuSeconds(): Promise<number> {
  const cpu = await redis.info("cpu");
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
}

async function byCommand(): Promise<string> {
  return Object.entries(await redis.info("commandstats"))
    .map(([name, stats]) => ({ name: name.replace("cmdstat_", ""), us: Number(/usec=(\d+)/.exec(stats)?.[1] ?? 0) / n, calls: Number(/calls=(\d+)/.exec(stats)?.[1] ?? 0) / n }))
    .filter(({ name, us }) => us >= 0.05 && !name.startsWith("info") && !name.startsWith("config") && !name.startsWith("slowlog"))
    .sort((a, b) => b.us - a.us)
    .map(({ name, us, calls }) => `${name} ${us.toFixed(2)} (${calls.toFixed(3)})`)
    .join("  ");
}

async function logEveryCommand(on: boolean): Promise<void> {
  await redis.admin.config("SET", "slowlog-log-slower-than", on ? "0" : "10000");
  await redis.admin.config("SET", "slowlog-max-len", on ? "1000000" : "128");
  if (on) await redis.admin.slowlog("RESET");
}

async function byScript(): Promise<string> {
  const entries = (await redis.admin.slowlog("GET", -1)) as [number, number, number, string[]][];
  const totals = new Map<string, { us: number; calls: number }>();
  for (const [, , us, command] of entries) {
    if (!command?.length || command[0]!.toLowerCase() !== "fcall") continue;
    const name = String(command[1]).replace(/^typed_jobs_[0-9a-f]+_/, "");
    const total = totals.get(name) ?? { us: 0, calls: 0 };
    total.us += us;
    total.calls++;
    totals.set(name, total);
  }
  return [...totals]
    .sort((a, b) => b[1].us - a[1].us)
    .map(([name, { us, calls }]) => `${name} ${(us / n).toFixed(2)} (${calls} calls, ${(us / calls).toFixed(0)} µs each)`)
    .join("  ");
}

async function startProfile(): Promise<void> {
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
}

async function startPerf(file: string): Promise<ChildProcess> {
  const pid = (await redis.info("server")).process_id!;
  const perf = spawn("perf", ["record", "-e", "cpu-clock", "-F", "2999", "--call-graph", process.env.PERF_CG ?? "fp", "-p", pid, "-o", file], { stdio: "ignore" });
  // perf attaches asynchronously: a moment, so the run's first claims are in the recording.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return perf;
}

async function stopPerf(perf: ChildProcess): Promise<void> {
  perf.kill("SIGINT");
  await once(perf, "exit");
}

function printProfile(profile: CpuProfile): void {
  const selfTime = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (deltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/dist\//, "dist/")}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + (selfTime.get(node.id) ?? 0));
  }
  const idle = byFunction.get("(idle) :0") ?? 0;
  byFunction.delete("(idle) :0");
  const busy = [...byFunction.values()].reduce((sum, us) => sum + us, 0);
  console.log(`  pool process: busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms, ${(busy / n).toFixed(2)} µs busy per job; self time by function:`);
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / n).toFixed(2).padStart(6)} µs/job  ${key}`);
  }
}
