import { payload, type LibAdapter, type LibName, type Producer } from "../adapters/adapter.js";
import { startChildren, type Children, type Starts } from "../child-pool.js";
import { clockMs } from "../clock.js";
import { collectGarbage } from "../gc-trace.js";
import { stolenMs } from "../host-steal.js";
import { assertExactlyOnce, median, percentile, sleep } from "../stats.js";
import type { Metric, TogetherContext, TogetherScenario } from "./scenario.js";
import { LATENCY_WARMUP_JOBS } from "./warmup.js";

const IDLE_MS = 500;
const LATENCY_CONCURRENCY = 10;
/** Samples per block: a block takes about 0.1 s, so a slow spell of the host spans several libraries' blocks. */
const BLOCK = 100;
const BURST = 1000;
const BURST_CONCURRENCY = 50;
/** Bursts of each kind run unmeasured first: the warm-up's jobs come one at a time, and a burst's claims take another path. */
const WARMUP_BURSTS = 3;
/** After a block, for the pool's settles to land and the pool to wait idle again. */
const BETWEEN_BLOCKS_MS = 50;
/** The first jobs of a block, reported apart: each follows the pool's idle spell through the other libraries' blocks. */
const AFTER_IDLE = 3;

/** One library as deployed: the producer in this process, one pool in a process of its own. */
interface Deployed {
  readonly lib: LibAdapter;
  readonly producer: Producer;
  readonly pool: Children;
  /** Every job scheduled, and when each schedule call began (clockMs), indexed by the payload's userId. */
  readonly ids: string[];
  readonly sentAt: number[];
  readonly starts: Starts[];
}

async function deploy({ redis, libs, queue }: TogetherContext, concurrency: number): Promise<Deployed[]> {
  const deployed = await Promise.all(libs.map(async (lib, i): Promise<Deployed> => {
    const q = `${queue}-${i}`;
    const [producer, pool] = await Promise.all([lib.producer(redis.url, q), startChildren(1, { lib: lib.name, url: redis.url, queue: q, concurrency })]);
    return { lib, producer, pool, ids: [], sentAt: [], starts: [] };
  }));
  // What start-up left is collected first: a forced full collection also throws away code V8 has
  // optimised, so it must come before the warm-up, never between the warm-up and the measurement.
  await Promise.all(deployed.map((d) => d.pool.collectGarbage()));
  collectGarbage();
  for (const d of deployed) d.pool.go();
  await Promise.all(deployed.map(async (d) => {
    const adds: Promise<string>[] = [];
    for (let i = 0; i < LATENCY_WARMUP_JOBS; i++) {
      adds.push(d.producer.add(payload(-1 - i)));
      await sleep(1);
    }
    d.ids.push(...(await Promise.all(adds)));
    await blockStarts(d);
  }));
  await sleep(IDLE_MS);
  return deployed;
}

/** Closes everything and checks that every job ran exactly once. */
async function undeploy(deployed: readonly Deployed[], what: string): Promise<void> {
  for (const d of deployed) {
    const runs = await d.pool.stop(d.starts);
    await d.producer.close();
    assertExactlyOnce(d.lib.name, what, d.ids, runs);
  }
}

/** Waits until the pool has finished every job scheduled so far, and returns the handler starts since the last block. */
async function blockStarts(d: Deployed): Promise<Starts> {
  await d.pool.reached(d.ids.length);
  const starts = await d.pool.collect();
  d.starts.push(starts);
  return starts;
}

/** Blocks of every library in turn, the order rotating each time. */
async function interleave(deployed: readonly Deployed[], blocks: number, block: (d: Deployed) => Promise<void>): Promise<void> {
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < deployed.length; k++) {
      await block(deployed[(k + b) % deployed.length]!);
      await sleep(BETWEEN_BLOCKS_MS);
    }
  }
}

function byLib(deployed: readonly Deployed[], metrics: (d: Deployed) => Metric[]): Map<LibName, Metric[]> {
  return new Map(deployed.map((d) => [d.lib.name, metrics(d)]));
}

/**
 * Idle latency as deployed: the pool (c=10) in its own process, the producer in this one; jobs
 * scheduled 1 ms apart (not awaited one by one) onto the idle pool; latency = handler start − schedule
 * call start, on the machine's monotonic clock. Every library's pool idles at once, and their blocks
 * of BLOCK jobs take turns.
 */
export const idleLatencyProc: TogetherScenario = {
  name: "idle-latency-proc",
  together: true,
  async runAll(ctx: TogetherContext) {
    const deployed = await deploy(ctx, LATENCY_CONCURRENCY);
    const latency = new Map<Deployed, number[]>(deployed.map((d) => [d, []]));
    // The blocks the hypervisor took no CPU from: a spell of steal stalls every process for several ms,
    // and lands on one library's block, deciding its p99 whatever the library does.
    const unstolen = new Map<Deployed, number[]>(deployed.map((d) => [d, []]));
    const stolenBlocks = new Map<Deployed, number>(deployed.map((d) => [d, 0]));
    const afterIdle = new Map<Deployed, { first: number[]; rest: number[] }>(deployed.map((d) => [d, { first: [], rest: [] }]));
    const blocks = Math.ceil(ctx.sizes.latencyProc / BLOCK);
    await interleave(deployed, blocks, async (d) => {
      const stolenBefore = stolenMs();
      const blockStart = d.sentAt.length;
      const adds: Promise<string>[] = [];
      for (let i = 0; i < BLOCK; i++) {
        const k = d.sentAt.length;
        d.sentAt.push(clockMs());
        adds.push(d.producer.add(payload(k)));
        await sleep(1);
      }
      d.ids.push(...(await Promise.all(adds)));
      const starts = await blockStarts(d);
      const samples = starts.at.map((at, j) => at - d.sentAt[starts.userIds[j]!]!);
      latency.get(d)!.push(...samples);
      const byPosition = afterIdle.get(d)!;
      samples.forEach((ms, j) => (starts.userIds[j]! - blockStart < AFTER_IDLE ? byPosition.first : byPosition.rest).push(ms));
      if (stolenMs() === stolenBefore) unstolen.get(d)!.push(...samples);
      else stolenBlocks.set(d, stolenBlocks.get(d)! + 1);
    });
    await undeploy(deployed, "idle latency, pool in its own process");
    console.error(`  idle-latency-proc: blocks (of ${blocks} each) during which the host took CPU: ${deployed.map((d) => `${d.lib.name} ${stolenBlocks.get(d)}`).join(", ")}`);
    // The p99's samples are mostly these: a block's first jobs wake processes that sat idle.
    const p50p90 = (ms: number[]) => `${percentile(ms, 50).toFixed(2)} / ${percentile(ms, 90).toFixed(2)}`;
    console.error(`  idle-latency-proc: p50 / p90 ms of each block's first ${AFTER_IDLE} jobs | of the others: ${deployed.map((d) => `${d.lib.name} ${p50p90(afterIdle.get(d)!.first)} | ${p50p90(afterIdle.get(d)!.rest)}`).join(", ")}`);
    return byLib(deployed, (d) => [
      { row: "idle latency p50, pool in its own process", unit: "ms", better: "lower", value: percentile(latency.get(d)!, 50) },
      { row: "idle latency p90, pool in its own process", unit: "ms", better: "lower", value: percentile(latency.get(d)!, 90) },
      { row: "idle latency p99, pool in its own process", unit: "ms", better: "lower", value: percentile(latency.get(d)!, 99) },
      // Only when at least half its blocks were left alone, so the p99 still rests on enough samples.
      ...(stolenBlocks.get(d)! <= blocks / 2 ? [{ row: "idle latency p99, pool in its own process, blocks without steal", unit: "ms", better: "lower" as const, value: percentile(unstolen.get(d)!, 99) }] : []),
    ]);
  },
};

/**
 * A burst as deployed: BURST jobs scheduled at once onto an idle pool of concurrency 50 in its own
 * process; the time from the first schedule call to the last handler start. Two kinds, each library in
 * turn: BURST schedule calls made together (a web server's requests), and one bulk call.
 */
export const burst: TogetherScenario = {
  name: "burst",
  together: true,
  async runAll(ctx: TogetherContext) {
    const deployed = await deploy(ctx, BURST_CONCURRENCY);
    const calls = new Map<Deployed, number[]>(deployed.map((d) => [d, []]));
    const bulk = new Map<Deployed, number[]>(deployed.map((d) => [d, []]));
    const lastStart = async (d: Deployed, schedule: (ps: ReturnType<typeof payload>[]) => Promise<string[]>) => {
      const ps = Array.from({ length: BURST }, (_, i) => payload(d.ids.length + i));
      const t0 = clockMs();
      d.ids.push(...(await schedule(ps)));
      const starts = await blockStarts(d);
      return Math.max(...starts.at) - t0;
    };
    await interleave(deployed, WARMUP_BURSTS + ctx.sizes.bursts, async (d) => {
      calls.get(d)!.push(await lastStart(d, (ps) => Promise.all(ps.map((p) => d.producer.add(p)))));
      await sleep(BETWEEN_BLOCKS_MS);
      bulk.get(d)!.push(await lastStart(d, (ps) => d.producer.addBulk(ps)));
    });
    await undeploy(deployed, "burst");
    return byLib(deployed, (d) => [
      { row: `burst of ${BURST} schedule calls onto an idle pool (c=${BURST_CONCURRENCY}, own process): last start`, unit: "ms", better: "lower", value: median(calls.get(d)!.slice(WARMUP_BURSTS)) },
      { row: `burst of ${BURST} in one bulk call onto an idle pool (c=${BURST_CONCURRENCY}, own process): last start`, unit: "ms", better: "lower", value: median(bulk.get(d)!.slice(WARMUP_BURSTS)) },
    ]);
  },
};
