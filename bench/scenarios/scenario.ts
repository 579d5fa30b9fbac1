import type { LibAdapter, LibName } from "../adapters/adapter.js";
import type { BenchRedis } from "../redis.js";

/** One measured value of one library in one round; rows with the same `row` are compared. */
export interface Metric {
  readonly row: string;
  readonly unit: string;
  readonly better: "higher" | "lower";
  readonly value: number;
}

export interface Sizes {
  readonly scheduleOne: number;
  readonly scheduleBulk: number;
  readonly process: number;
  readonly latency: number;
  /** Idle-latency samples per library and round with the pool in its own process, taken in blocks. */
  readonly latencyProc: number;
  /** Bursts per library and round. */
  readonly bursts: number;
  readonly work: number;
  readonly memory: number;
  /** Waiting jobs `jobs-gen verify` scans. */
  readonly verify: number;
}

export interface RunContext {
  readonly redis: BenchRedis;
  readonly lib: LibAdapter;
  readonly sizes: Sizes;
  /** A fresh queue / namespace name for this run. */
  readonly queue: string;
  readonly round: number;
}

/** For a scenario that runs every library at once: this round's order, and a queue name per library. */
export interface TogetherContext {
  readonly redis: BenchRedis;
  readonly libs: readonly LibAdapter[];
  readonly sizes: Sizes;
  /** A fresh prefix for this run's queue / namespace names. */
  readonly queue: string;
  readonly round: number;
}

interface ScenarioBase {
  readonly name: string;
  /** A name that selects it along with others (`--only ops`). */
  readonly group?: string;
  /** Libraries it runs for; default all three. */
  readonly libs?: readonly LibName[];
  /** Runs only with --scale (a backlog of a million jobs). */
  readonly scale?: boolean;
}

/** Runs one library at a time; the runner takes the libraries in turn, every round. */
export interface PerLibScenario extends ScenarioBase {
  run(ctx: RunContext): Promise<Metric[]>;
}

/** Runs every library in one go, their work interleaved in short blocks, so host noise hits all alike. */
export interface TogetherScenario extends ScenarioBase {
  readonly together: true;
  runAll(ctx: TogetherContext): Promise<Map<LibName, Metric[]>>;
}

export type Scenario = PerLibScenario | TogetherScenario;

export function perSecond(n: number, ms: number): number {
  return (n / ms) * 1000;
}

/** Schedules n jobs in chunks of 1000 and returns their ids. */
export async function fill(add: (ps: import("../adapters/adapter.js").Payload[]) => Promise<string[]>, n: number, from = 0): Promise<string[]> {
  const { payload } = await import("../adapters/adapter.js");
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, n - i) }, (_, k) => payload(from + i + k));
    ids.push(...(await add(chunk)));
  }
  return ids;
}
