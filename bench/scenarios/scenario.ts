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
  readonly work: number;
  readonly memory: number;
}

export interface RunContext {
  readonly redis: BenchRedis;
  readonly lib: LibAdapter;
  readonly sizes: Sizes;
  /** A fresh queue / namespace name for this run. */
  readonly queue: string;
  readonly round: number;
}

export interface Scenario {
  readonly name: string;
  /** A name that selects it along with others (`--only ops`). */
  readonly group?: string;
  /** Libraries it runs for; default all three. */
  readonly libs?: readonly LibName[];
  run(ctx: RunContext): Promise<Metric[]>;
}

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
