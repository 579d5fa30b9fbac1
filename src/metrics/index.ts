/** typed-jobs/metrics: Prometheus series of a typed-jobs namespace, on prom-client (an optional peer). */
export { createMetrics, DEFAULT_HANDLER_BUCKETS, DEFAULT_WAIT_BUCKETS, type JobsMetrics, type MetricsOptions, type ScheduleSource } from "./create-metrics.js";
export { METRICS } from "./metric-names.js";
export { createRedisGauges, type RedisGaugesOptions, type StatsSource } from "./redis-gauges.js";
export { REJECTION_REASONS, rejectionReason, type RejectionReason } from "./rejection-reason.js";
