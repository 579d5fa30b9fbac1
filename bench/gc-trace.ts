import { PerformanceObserver } from "node:perf_hooks";
import type { Pauses } from "./child-pool.js";
import { clockMs } from "./clock.js";

/** Records this process's garbage collections on clockMs()'s scale, for lining them up with latency samples. */
export function traceGc() {
  // performance.now() and clockMs() both run at the monotonic clock's rate: one offset converts.
  const offset = clockMs() - performance.now();
  let pauses: Pauses = { at: [], ms: [], kind: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      pauses.at.push(e.startTime + offset);
      pauses.ms.push(e.duration);
      pauses.kind.push((e as { detail?: { kind?: number } }).detail?.kind ?? 0);
    }
  }).observe({ entryTypes: ["gc"] });
  return {
    take(): Pauses {
      const taken = pauses;
      pauses = { at: [], ms: [], kind: [] };
      return taken;
    },
  };
}

/**
 * A full collection in this process, when node runs with --expose-gc (`npm run bench` does): before a
 * warm-up, so that a measurement does not catch the collection of what start-up left behind. It also
 * discards optimised code, so never between a warm-up and its measurement.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
