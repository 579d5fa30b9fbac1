/**
 * What idle latency's tail is made of, with the pool in its own process:
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx --expose-gc bench/profile/latency-trace.ts [--lib typed-jobs] [--jobs 2000] [--warmup N] [--monitor] [--block 100 --gap 150] [--dump FILE]
 * (BENCH_CPU_PROF=<dir> also writes the pool process's CPU profile.) Runs one library's pool (c=10) in
 * a child process and, after the row's unmeasured jobs (--warmup), schedules jobs 1 ms apart from this one, as the
 * idle-latency-proc row does, with
 * Redis's latency monitor (threshold 1 ms) and slow log (100 µs) on. Prints the latency percentiles;
 * each process's CPU and run-queue wait per job (Linux's /proc/<pid>/schedstat) and the host's steal;
 * with --block, the percentiles per position in a block; for the slowest 1 %, whether a garbage collection in either process overlapped them, and with
 * --monitor (Redis's MONITOR, read by a redis-cli process; typed-jobs, whose schedule call carries the job id) when Redis ran the
 * schedule, splitting each sample into producer → Redis and Redis → handler (with --block, for the
 * first positions of a block too), with the commands Redis ran between; then the slow log, the latency events and the per-command times (INFO commandstats).
 */
import { spawn } from "node:child_process";
import { openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { adapter, payload, type LibName } from "../adapters/adapter.js";
import { startChildren, type Pauses } from "../child-pool.js";
import { clockMs } from "../clock.js";
import { collectGarbage, traceGc } from "../gc-trace.js";
import { BenchRedis } from "../redis.js";
import { stolenMs } from "../host-steal.js";
import { schedDelta, schedStat, type SchedStat } from "../schedstat.js";
import { LATENCY_WARMUP_JOBS } from "../scenarios/warmup.js";
import { assertExactlyOnce, countRun, percentile, sleep } from "../stats.js";

const { values: args } = parseArgs({ options: { lib: { type: "string" }, jobs: { type: "string" }, warmup: { type: "string" }, monitor: { type: "boolean" }, block: { type: "string" }, gap: { type: "string" }, dump: { type: "string" } } });
const libName = (args.lib ?? "typed-jobs") as LibName;
const n = Number(args.jobs ?? 2000);
const warmupJobs = Number(args.warmup ?? LATENCY_WARMUP_JOBS);
// --block N --gap MS: jobs in blocks of N, each after the last block has run and MS more of idle, as the
// idle-latency-proc row's blocks follow the other libraries' turns; the percentiles are then printed per
// position in the block too.
const block = Number(args.block ?? n);
const gapMs = Number(args.gap ?? 0);

interface Command {
  /** clockMs() scale. */
  readonly at: number;
  readonly source: string;
  readonly args: string[];
}

const redis = await BenchRedis.start();
const admin = redis.admin;
await admin.config("SET", "latency-monitor-threshold", "1");
await admin.config("SET", "slowlog-log-slower-than", "100");
await admin.config("SET", "slowlog-max-len", "10000");

const lib = await adapter(libName);
const producer = await lib.producer(redis.url, "trace");
const pool = await startChildren(1, { lib: libName, url: redis.url, queue: "trace", concurrency: 10, traceGc: true });
const ownGc = traceGc();
// Redis stamps MONITOR lines with its wall clock (µs); this converts them to clockMs().
const wallOffset = performance.timeOrigin + performance.now() - clockMs();
const commands: Command[] = [];
// MONITOR's output goes to a redis-cli process, so reading it costs this process (the producer) nothing.
const monitorFile = join(tmpdir(), `latency-trace-monitor-${process.pid}.txt`);
const monitor = args.monitor ? spawn("redis-cli", ["-p", new URL(redis.url).port, "monitor"], { stdio: ["ignore", openSync(monitorFile, "w"), "ignore"] }) : undefined;

// As the idle-latency-proc row does: start-up's garbage collected, then the pool runs jobs before any is measured.
await pool.collectGarbage();
collectGarbage();
pool.go();
const warmup: Promise<string>[] = [];
for (let i = 0; i < warmupJobs; i++) {
  warmup.push(producer.add(payload(-1 - i)));
  await sleep(1);
}
const warmIds = await Promise.all(warmup);
await pool.reached(warmIds.length);
const warmStarts = await pool.collect();
ownGc.take();
await sleep(500);
await admin.config("RESETSTAT");
await admin.call("SLOWLOG", "RESET");
await admin.call("LATENCY", "RESET");
const redisPid = Number((await redis.info("server")).process_id);
const watched = { producer: process.pid, pool: pool.pids[0]!, redis: redisPid };
const schedBefore = Object.fromEntries(Object.entries(watched).map(([name, pid]) => [name, schedStat(pid)])) as Record<string, SchedStat>;
const stolenBefore = stolenMs();
const sentAt: number[] = [];
const adds: Promise<string>[] = [];
for (let i = 0; i < n; i++) {
  if (i > 0 && i % block === 0 && gapMs > 0) {
    await pool.reached(warmIds.length + i);
    await sleep(gapMs);
  }
  sentAt.push(clockMs());
  adds.push(producer.add(payload(i)));
  await sleep(1);
}
const ids = await Promise.all(adds);
await pool.reached(warmIds.length + n);
const sched = Object.entries(watched).map(([name, pid]) => ({ name, ...schedDelta(schedBefore[name]!, schedStat(pid)) }));
const stolen = stolenMs() - stolenBefore;
const starts = await pool.collect();
const poolGc = starts.gc ?? { at: [], ms: [], kind: [] };
const producerGc = ownGc.take();
monitor?.kill();
if (monitor) for (const line of readFileSync(monitorFile, "utf8").split("\n")) {
  // 1796413410.283754 [0 127.0.0.1:59414] "fcall" "typed_jobs_…_scheduleOne" ...  (or [0 lua] for a script's own calls)
  const m = /^(\d+\.\d+) \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (m) commands.push({ at: Number(m[1]) * 1000 - wallOffset, source: m[2]!, args: [...m[3]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]!) });
}
if (monitor) rmSync(monitorFile, { force: true });
const slowlog = (await admin.call("SLOWLOG", "GET", "50")) as [number, number, number, string[]][];
const latency = (await admin.call("LATENCY", "LATEST")) as [string, number, number, number][];
const stats = await redis.info("commandstats");
const runs = new Map<string, number>();
for (const id of [...warmStarts.ids, ...starts.ids]) countRun(runs, id);
await pool.stop([]);
await producer.close();
await redis.stop();
assertExactlyOnce(libName, "latency trace", [...warmIds, ...ids], runs);

const samples = starts.at.map((at, j) => ({ id: starts.ids[j]!, userId: starts.userIds[j]!, sent: sentAt[starts.userIds[j]!]!, start: at })).map((s) => ({ ...s, ms: s.start - s.sent }));
const ms = samples.map((s) => s.ms);
// --dump FILE: every sample (clockMs, the machine's monotonic clock) and the processes' pids, for lining up with `perf sched`.
if (args.dump) writeFileSync(args.dump, JSON.stringify({ pids: watched, samples }));
const fmt = (x: number) => x.toFixed(2);
console.log(`${libName}: ${n} jobs 1 ms apart onto an idle pool (c=10) in its own process`);
console.log(`latency ms: p50 ${fmt(percentile(ms, 50))}  p90 ${fmt(percentile(ms, 90))}  p99 ${fmt(percentile(ms, 99))}  max ${fmt(Math.max(...ms))}`);

console.log("per job, each process's main thread: on a CPU / waiting for one (µs), CPU slices");
for (const { name, runMs, waitMs, slices } of sched) console.log(`  ${name.padEnd(8)} ${fmt((runMs * 1000) / n).padStart(7)} / ${fmt((waitMs * 1000) / n).padStart(7)}   ${(slices / n).toFixed(2)}`);
console.log(`  the host took ${fmt(stolen)} ms of the CPUs meanwhile (steal)`);
if (block < n) {
  const positions = [0, 1, 2, 3, 4, 5];
  const at = (k: number | "rest") => samples.filter((_, j) => (k === "rest" ? starts.userIds[j]! % block > positions.length - 1 : starts.userIds[j]! % block === k)).map((s) => s.ms);
  console.log(`per position in blocks of ${block} after ${gapMs} ms idle (ms):`);
  for (const k of [...positions, "rest" as const]) {
    const xs = at(k);
    console.log(`  ${String(typeof k === "number" ? k + 1 : k).padStart(4)}: p50 ${fmt(percentile(xs, 50))}  p90 ${fmt(percentile(xs, 90))}  p99 ${fmt(percentile(xs, 99))}  (${xs.length})`);
  }
}

const p99 = percentile(ms, 99);
const tail = samples.filter((s) => s.ms >= p99).sort((a, b) => b.ms - a.ms);
const overlaps = (gc: Pauses, from: number, to: number) => gc.at.some((at, k) => at < to && at + gc.ms[k]! > from);
console.log(`\nthe slowest ${tail.length} (≥ p99):`);
console.log(`  a garbage collection in the producer overlapped ${tail.filter((s) => overlaps(producerGc, s.sent, s.start)).length}, in the pool ${tail.filter((s) => overlaps(poolGc, s.sent, s.start)).length}`);
// Only the collections while jobs were being scheduled: start-up (module loading) has its own.
const during = (gc: Pauses): Pauses => {
  const keep = gc.at.map((at) => at >= sentAt[0]! && at <= Math.max(...starts.at));
  const pick = <T>(xs: T[]) => xs.filter((_, k) => keep[k]);
  return { at: pick(gc.at), ms: pick(gc.ms), kind: pick(gc.kind) };
};
const KINDS: Record<number, string> = { 1: "minor", 4: "major", 8: "incremental", 16: "weak callbacks" };
const gcTotals = (all: Pauses) => {
  const gc = during(all);
  const kinds = [...new Set(gc.kind)].map((k) => `${gc.kind.filter((x) => x === k).length} ${KINDS[k] ?? k}`).join(", ");
  return `${gc.at.length} collections while scheduling (${kinds || "none"}), ${fmt(gc.ms.reduce((a, b) => a + b, 0))} ms in all, longest ${fmt(Math.max(0, ...gc.ms))} ms`;
};
console.log(`  producer: ${gcTotals(producerGc)}; pool: ${gcTotals(poolGc)}`);

if (monitor) {
  // The schedule call is the first command that names the job's id.
  const ranAt = new Map<string, number>();
  for (const c of commands) for (const a of c.args) if (!ranAt.has(a)) ranAt.set(a, c.at);
  const split = samples.flatMap((s) => (ranAt.has(s.id) ? [{ ...s, toRedis: ranAt.get(s.id)! - s.sent, toHandler: s.start - ranAt.get(s.id)! }] : []));
  const pct = (xs: number[]) => (xs.length === 0 ? "-" : `p50 ${fmt(percentile(xs, 50))} p99 ${fmt(percentile(xs, 99))}`);
  console.log(`\nall samples: producer → Redis ${pct(split.map((s) => s.toRedis))}; Redis → handler ${pct(split.map((s) => s.toHandler))} (ms)`);
  // typed-jobs: a job handed to the idle pool is pushed to its hand-off list by the schedule itself.
  const handedOver = new Set<string>();
  for (const c of commands) if (c.source === "lua" && c.args[0]?.toLowerCase() === "rpush" && c.args[1]?.includes(":handoff:")) handedOver.add(c.args[2]!.split(":")[1]!.slice(0, 40));
  const isHanded = (id: string) => [...handedOver].some((entry) => entry.startsWith(id));
  const handed = split.filter((s) => isHanded(s.id));
  const other = split.filter((s) => !isHanded(s.id));
  console.log(`handed to the pool by the schedule: ${handed.length} (latency ${pct(handed.map((s) => s.ms))}); queued, then claimed: ${other.length} (latency ${other.length ? pct(other.map((s) => s.ms)) : "-"})`);
  if (block < n) {
    // Where the first jobs after an idle gap lose their time.
    const pct90 = (xs: number[]) => (xs.length === 0 ? "-" : `p50 ${fmt(percentile(xs, 50))} p90 ${fmt(percentile(xs, 90))}`);
    for (const k of [0, 1, 2, 3]) {
      const xs = split.filter((s) => s.userId % block === k);
      console.log(`  position ${k + 1}: producer → Redis ${pct90(xs.map((s) => s.toRedis))}; Redis → handler ${pct90(xs.map((s) => s.toHandler))}`);
    }
  }
  const tailSplit = split.filter((s) => s.ms >= p99);
  console.log(`the slowest: ${tailSplit.filter((s) => isHanded(s.id)).length} handed over, ${tailSplit.filter((s) => !isHanded(s.id)).length} queued then claimed`);
  console.log(`the slowest: producer → Redis ${pct(tailSplit.map((s) => s.toRedis))}; Redis → handler ${pct(tailSplit.map((s) => s.toHandler))}`);
  for (const s of tailSplit.sort((a, b) => b.ms - a.ms).slice(0, 8)) {
    const redisAt = ranAt.get(s.id)!;
    console.log(`  ${s.id}: ${fmt(s.ms)} ms = ${fmt(s.toRedis)} to Redis + ${fmt(s.toHandler)} to the handler; Redis meanwhile:`);
    for (const c of commands.filter((c) => c.at >= s.sent - 1 && c.at <= s.start && c.source !== "lua")) {
      console.log(`    ${fmt(c.at - redisAt).padStart(7)} ms ${c.source} ${c.args.slice(0, 4).map((a) => a.slice(0, 40)).join(" ")}`);
    }
  }
}

console.log(`\nslow log (> 100 µs), ${slowlog.length} entries:`);
for (const [, , micros, argv] of slowlog.slice(0, 15)) console.log(`  ${micros} µs ${argv.slice(0, 3).join(" ").slice(0, 100)}`);
console.log(`latency events (≥ 1 ms): ${latency.length === 0 ? "none" : latency.map(([event, , last, max]) => `${event} latest ${last} ms max ${max} ms`).join("; ")}`);
console.log("commandstats:");
for (const [cmd, value] of Object.entries(stats)) {
  const calls = /calls=(\d+)/.exec(value)?.[1];
  const per = /usec_per_call=([\d.]+)/.exec(value)?.[1];
  if (!cmd.includes("config") && !cmd.includes("slowlog") && !cmd.includes("latency") && !cmd.includes("monitor")) console.log(`  ${cmd.replace("cmdstat_", "")}: ${calls} calls, ${per} µs each`);
}
process.exit(0);
