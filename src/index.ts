/** typed-jobs: persistent, typed background jobs on Redis. */
export { createJobs } from "./client/jobs.js";
export type { Jobs, JobsOptions, TypedBulkSelection } from "./client/jobs-api.js";
export { Job } from "./client/job.js";
export { defineJobs, type JobDefinition, type JobDefinitions } from "./contract/define-jobs.js";
export type { JobType, JobTypes } from "./contract/job-type.js";
export { jobDefinitionProblems, type DefinitionFields, type JobDefinitionProblem } from "./contract/job-definition-rules.js";
export * from "./errors.js";
export * from "./interfaces.js";
export type { Duration } from "./options/duration.js";
export type { BackoffOption } from "./options/backoff.js";
export type { Recurrence } from "./options/recurrence.js";
export type { Operations } from "./ops/operations-api.js";
export { openOperations, type OperationsOptions } from "./ops/open-operations.js";
export type { Handler, Pool, PoolOptions, PoolTuning, RunningJob } from "./pool/pool-api.js";
export type { RedisConnectionOptions } from "./redis/connection.js";
export { parseRedisUrl } from "./redis/connection.js";
