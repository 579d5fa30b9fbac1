import { Gauge, register, type Registry } from "prom-client";
import { JOB_STATUSES, type Stats } from "../interfaces.js";
import { METRICS } from "./metric-names.js";

/** Where the gauges read the namespace from: `Jobs` or `Operations` (the CLI's). */
export interface StatsSource {
  stats(): Promise<Stats>;
}

export interface RedisGaugesOptions {
  /** Default prom-client's global `register`. */
  readonly registry?: Registry;
  readonly source: StatsSource;
}

/**
 * Only the namespace's gauges, read from Redis when scraped: for a process with no pool and no
 * schedule calls of its own to count, such as `typed-jobs metrics`.
 */
export function createRedisGauges({ registry = register, source }: RedisGaugesOptions): Registry {
  registerRedisGauges(registry, source);
  return registry;
}

/**
 * The gauges read from Redis at scrape time, all from one `stats()` call per scrape: a fixed number
 * of round trips whatever the number of jobs. Redis out of reach leaves them without samples and
 * `typed_jobs_redis_up` at 0, instead of failing the whole scrape.
 */
export function registerRedisGauges(registry: Registry, source: StatsSource): void {
  const registers = [registry];
  let reading: Promise<Stats | undefined> | undefined;
  // prom-client runs every metric's collect() in the same tick: they share the one read.
  const read = (): Promise<Stats | undefined> => {
    reading ??= source.stats().then(
      (stats) => stats,
      () => undefined,
    );
    const current = reading;
    void current.finally(() => {
      if (reading === current) reading = undefined;
    });
    return current;
  };
  const byType = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (gauge: Gauge<L>, stats: Stats) => void): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const stats = await read();
        this.reset();
        if (stats) fill(this, stats);
      },
    });
  };
  byType(METRICS.jobs, "Jobs by type and status, read from Redis at scrape time (counts()).", ["type", "status"], (gauge, stats) => {
    for (const [type, { counts }] of Object.entries(stats.byType)) for (const status of JOB_STATUSES) gauge.set({ type, status }, counts[status]);
  });
  byType(METRICS.delayed, "Queued jobs whose run-at is still ahead (delayed, retry backoff, recurring), by type.", ["type"], (gauge, stats) => {
    for (const [type, { delayed }] of Object.entries(stats.byType)) gauge.set({ type }, delayed);
  });
  byType(METRICS.oldestDueAge, "How long the due job waiting longest has waited past its run-at, by type; 0 when none is due.", ["type"], (gauge, stats) => {
    for (const [type, { oldestDueAgeMs }] of Object.entries(stats.byType)) gauge.set({ type }, (oldestDueAgeMs ?? 0) / 1000);
  });
  byType(METRICS.paused, "1 while the job type is paused, else 0.", ["type"], (gauge, stats) => {
    for (const [type, { paused }] of Object.entries(stats.byType)) gauge.set({ type }, paused ? 1 : 0);
  });
  byType(METRICS.pools, "Pools alive: their heartbeat is recent.", [], (gauge, stats) => gauge.set(stats.pools.length));
  byType(METRICS.running, "Handlers running in the live pools, as of each pool's last heartbeat.", [], (gauge, stats) => {
    gauge.set(stats.pools.reduce((sum, pool) => sum + pool.running, 0));
  });
  new Gauge({
    name: METRICS.redisUp,
    help: "1 when this scrape could read the namespace from Redis, else 0 (and the other gauges have no samples).",
    registers,
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
}
