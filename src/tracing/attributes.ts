// The OpenTelemetry messaging semantic conventions' attribute names (kept here as text: the
// incubating names are not in the stable semantic-conventions entry point), and typed-jobs' own.

export const MESSAGING_SYSTEM = "messaging.system";
export const MESSAGING_OPERATION_TYPE = "messaging.operation.type";
export const MESSAGING_OPERATION_NAME = "messaging.operation.name";
export const MESSAGING_DESTINATION_NAME = "messaging.destination.name";
export const MESSAGING_MESSAGE_ID = "messaging.message.id";
export const MESSAGING_BATCH_MESSAGE_COUNT = "messaging.batch.message_count";

/** The attempt's number over the job's life, 1 first. */
export const JOB_ATTEMPT = "typed_jobs.job.attempt";
export const JOB_SCHEMA_HASH = "typed_jobs.job.schema_hash";
/** How the attempt settled: finished, retried, failed, rejected, cancelled (or stale, gone, corrupt, abandoned). */
export const JOB_OUTCOME = "typed_jobs.job.outcome";

export const SYSTEM = "typed_jobs";
export const TRACER_NAME = "typed-jobs";
