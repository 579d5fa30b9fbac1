import { Counter, Histogram, register, type Registry } from "prom-client";
import type { Jobs } from "../client/jobs-api.js";

/** What the collector needs of a runtime, whatever its contract: its types and its schedule calls. */
export type ScheduleSource = Pick<Jobs<unknown>, "types" | "onScheduled">;
import type { AttemptOutcome, AttemptReport } from "../interfaces.js";
import type { Pool } from "../pool/pool-api.js";
import { METRICS } from "./metric-names.js";
import { registerRedisGauges, type StatsSource } from "./redis-gauges.js";
import { REJECTION_REASONS, rejectionReason } from "./rejection-reason.js";

const OUTCOMES: readonly AttemptOutcome[] = ["finished", "retried", "failed", "rejected", "cancelled"];
/** Handlers from a millisecond to ten minutes. */
export const DEFAULT_HANDLER_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];
/** Waits from a millisecond to an hour. */
export const DEFAULT_WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];

export interface MetricsOptions {
  /** The registry the series are registered in. Default prom-client's global `register`. */
  readonly registry?: Registry;
  /** A runtime: its schedule calls are counted, and its contract's types get every series at zero up front. */
  readonly jobs?: ScheduleSource & StatsSource;
  /** Pools whose attempts and lease recoveries are counted; more can be added with observePool(). */
  readonly pools?: readonly Pool[];
  /** More job types to register at zero (a process that only runs a pool need not name them). */
  readonly types?: readonly string[];
  /**
   * Where the gauges read from Redis at scrape time: `jobs` by default when it is given, an
   * `Operations` (openOperations) for a process without the contract, or false for none (when
   * another process, or `typed-jobs metrics`, exports them for the namespace).
   */
  readonly gauges?: StatsSource | false;
  readonly handlerBuckets?: readonly number[];
  readonly waitBuckets?: readonly number[];
}

/** The collector: what it registered, and how to add pools and runtimes made later. */
export interface JobsMetrics {
  readonly registry: Registry;
  /** Counts the pool's attempts and lease recoveries from now on; returns the function that stops it. */
  observePool(pool: Pool): () => void;
  /** Counts the runtime's schedule calls from now on; returns the function that stops it. */
  observeJobs(jobs: ScheduleSource): () => void;
}

/**
 * Registers typed-jobs' Prometheus series in `registry`: counters and histograms of this process's
 * schedule calls and pools, and gauges of the namespace read from Redis when scraped. Every series of
 * every known job type exists at zero from the start, so an alert on absent work holds from the
 * first scrape; labels are job types and fixed vocabularies only, never job ids. Once per registry.
 */
export function createMetrics(options: MetricsOptions = {}): JobsMetrics {
  const registry = options.registry ?? register;
  const registers = [registry];
  const scheduled = new Counter({ name: METRICS.scheduled, help: "Jobs created by schedule calls in this process (an id that already existed creates none).", labelNames: ["type"], registers });
  const processed = new Counter({ name: METRICS.processed, help: "Attempts settled by this process's pools, by outcome: finished, retried, failed (for good), rejected, cancelled.", labelNames: ["type", "outcome"], registers });
  const rejected = new Counter({ name: METRICS.rejected, help: "Jobs rejected without running by this process's pools, by reason: schema (the payload fails its schema), migration, record (the record cannot be read), unknown_contract (deferred past its deadline), other.", labelNames: ["type", "reason"], registers });
  const recoveries = new Counter({ name: METRICS.leaseRecoveries, help: "Jobs taken back from dead pools by this process's lease reapers (requeued, or failed after too many recoveries).", labelNames: ["type"], registers });
  const handlerDuration = new Histogram({ name: METRICS.handlerDuration, help: "How long each attempt's handler ran (every attempt but rejected ones), in seconds.", labelNames: ["type"], buckets: [...(options.handlerBuckets ?? DEFAULT_HANDLER_BUCKETS)], registers });
  const queueWait = new Histogram({ name: METRICS.queueWait, help: "From each attempt's run-at to its claim by a pool of this process, in seconds.", labelNames: ["type"], buckets: [...(options.waitBuckets ?? DEFAULT_WAIT_BUCKETS)], registers });

  const known = new Set<string>();
  const addTypes = (types: Iterable<string>): void => {
    for (const type of types) {
      if (known.has(type)) continue;
      known.add(type);
      scheduled.inc({ type }, 0);
      for (const outcome of OUTCOMES) processed.inc({ type, outcome }, 0);
      for (const reason of REJECTION_REASONS) rejected.inc({ type, reason }, 0);
      recoveries.inc({ type }, 0);
      handlerDuration.zero({ type });
      queueWait.zero({ type });
    }
  };

  const onAttempt = (report: AttemptReport): void => {
    processed.inc({ type: report.type, outcome: report.outcome });
    if (report.outcome === "rejected") rejected.inc({ type: report.type, reason: rejectionReason(report.error) });
    if (report.handlerMs !== undefined) handlerDuration.observe({ type: report.type }, report.handlerMs / 1000);
    queueWait.observe({ type: report.type }, report.waitMs / 1000);
  };
  const onRecovered = (_ids: readonly string[], types: readonly string[]): void => {
    for (const type of types) recoveries.inc({ type });
  };
  const onScheduled = (type: string, created: number): void => {
    if (created > 0) scheduled.inc({ type }, created);
  };

  const metrics: JobsMetrics = {
    registry,
    observePool(pool) {
      addTypes(pool.types);
      pool.on("attempt", onAttempt);
      pool.on("recovered", onRecovered);
      return () => {
        pool.off("attempt", onAttempt);
        pool.off("recovered", onRecovered);
      };
    },
    observeJobs(jobs) {
      addTypes(Object.keys(jobs.types));
      return jobs.onScheduled(onScheduled);
    },
  };
  addTypes(options.types ?? []);
  if (options.jobs) metrics.observeJobs(options.jobs);
  for (const pool of options.pools ?? []) metrics.observePool(pool);
  const gauges = options.gauges ?? options.jobs;
  if (gauges) registerRedisGauges(registry, gauges);
  return metrics;
}
