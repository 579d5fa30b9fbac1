/** Every series typed-jobs exports (docs/observability.md has the table). */
export const METRICS = {
  scheduled: "typed_jobs_scheduled_total",
  processed: "typed_jobs_processed_total",
  rejected: "typed_jobs_rejected_total",
  leaseRecoveries: "typed_jobs_lease_recoveries_total",
  handlerDuration: "typed_jobs_handler_duration_seconds",
  queueWait: "typed_jobs_queue_wait_seconds",
  jobs: "typed_jobs_jobs",
  delayed: "typed_jobs_delayed_jobs",
  oldestDueAge: "typed_jobs_oldest_due_job_age_seconds",
  paused: "typed_jobs_paused",
  pools: "typed_jobs_pools",
  running: "typed_jobs_running_jobs",
  redisUp: "typed_jobs_redis_up",
} as const;
