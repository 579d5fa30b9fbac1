/**
 * Every error the library throws is a JobsError with a stable `code` a caller can switch on and the
 * `op` that failed, so logs say what was being done, not only what went wrong.
 */

export type JobsErrorCode =
  | "PAYLOAD_INVALID"
  | "PAYLOAD_TOO_LARGE"
  | "UNKNOWN_JOB_TYPE"
  | "JOB_NOT_FOUND"
  | "JOB_STATE"
  | "INVALID_OPTION"
  | "CORRUPT_RECORD"
  | "UNKNOWN_CONTRACT"
  | "REDIS_UNAVAILABLE"
  | "REDIS_ERROR"
  | "TIMEOUT"
  | "CLOSED";

export class JobsError extends Error {
  readonly code: JobsErrorCode;
  readonly op: string;

  constructor(code: JobsErrorCode, op: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.op = op;
  }
}

/** One way a payload breaks its schema: where (a JSON pointer, "" for the root) and how. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
  readonly keyword?: string;
}

export class PayloadValidationError extends JobsError {
  readonly jobType: string;
  readonly errors: readonly ValidationIssue[];

  constructor(op: string, jobType: string, errors: readonly ValidationIssue[]) {
    const first = errors[0];
    const where = first ? `${first.path || "/"}: ${first.message}` : "invalid";
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    super("PAYLOAD_INVALID", op, `${jobType} payload is invalid at ${where}${more}`);
    this.jobType = jobType;
    this.errors = errors;
  }
}

export class PayloadTooLargeError extends JobsError {
  constructor(op: string, readonly jobType: string, readonly bytes: number, readonly limit: number) {
    super("PAYLOAD_TOO_LARGE", op, `${jobType} payload is ${bytes} bytes, over the limit of ${limit} (maxPayloadBytes)`);
  }
}

export class UnknownJobTypeError extends JobsError {
  constructor(op: string, readonly jobType: string, known: readonly string[]) {
    super("UNKNOWN_JOB_TYPE", op, `unknown job type "${jobType}"; known types: ${known.join(", ") || "(none)"}`);
  }
}

export class JobNotFoundError extends JobsError {
  constructor(op: string, readonly id: string) {
    super("JOB_NOT_FOUND", op, `job ${id} not found`);
  }
}

/** The job is in a status that does not allow the operation (rescheduling a running job). */
export class JobStateError extends JobsError {
  constructor(op: string, readonly id: string, readonly status: string, what: string) {
    super("JOB_STATE", op, `job ${id} is ${status}: ${what}`);
  }
}

export class InvalidOptionError extends JobsError {
  constructor(op: string, readonly option: string, readonly problem: string) {
    super("INVALID_OPTION", op, `option ${option} ${problem}`);
  }
}

/**
 * A job type given to createJobs breaks a rule of job definitions (the rules jobs-gen applies to the
 * contract): refused once, at creation, rather than on every schedule call. `field` is the first
 * problem's ("name", "retries", "backoff.delay"...); `problems` lists them all.
 */
export class InvalidJobTypeError extends JobsError {
  readonly field: string;
  constructor(op: string, readonly jobType: string, readonly problems: readonly { readonly field: string; readonly problem: string }[]) {
    const first = problems[0] ?? { field: "definition", problem: "is invalid" };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    super("INVALID_OPTION", op, `job type ${JSON.stringify(jobType)}: ${first.field} ${first.problem}${more}`);
    this.field = first.field;
  }
}

/** A job record in Redis that cannot be read: damaged by hand or written by something else. */
export class CorruptJobRecordError extends JobsError {
  constructor(op: string, readonly id: string, problem: string) {
    super("CORRUPT_RECORD", op, `job ${id} has a corrupt record: ${problem}`);
  }
}

/**
 * A job stamped with a contract identity the pool's build does not know, left deferred until its
 * deadline passed with no pool that knows it taking it (docs/contract-evolution.md, rolling deploys).
 * The message is the one stored with the rejected job.
 */
export class UnknownContractError extends JobsError {
  constructor(op: string, readonly jobType: string, readonly identity: string, message: string) {
    super("UNKNOWN_CONTRACT", op, message);
  }
}

/** Redis could not be reached, or the connection dropped before the reply came. */
export class RedisUnavailableError extends JobsError {
  /**
   * `connectionError`: why the client could not connect, when the cause itself does not say;
   * `target`: the server, as host:port/db (never with a password).
   */
  constructor(op: string, cause: unknown, connectionError?: string, readonly target?: string) {
    const why = connectionError ? ` (last connection error: ${connectionError})` : "";
    const at = target ? ` at ${target}` : "";
    super("REDIS_UNAVAILABLE", op, `Redis unavailable during ${op}${at}: ${describe(cause)}${why}`, { cause });
  }
}

/** Redis answered with an error (out of memory, a script error, a permission denied by an ACL). */
export class RedisCommandError extends JobsError {
  constructor(op: string, cause: unknown) {
    super("REDIS_ERROR", op, `Redis refused ${op}: ${describe(cause)}`, { cause });
  }
}

/** A handler ran past its job's timeout; the attempt counts as failed. */
export class JobTimeoutError extends JobsError {
  constructor(op: string, readonly id: string, readonly timeoutMs: number) {
    super("TIMEOUT", op, `job ${id} ran past its timeout of ${timeoutMs} ms`);
  }
}

export class ClosedError extends JobsError {
  constructor(op: string, what: string) {
    super("CLOSED", op, `${what} is closed`);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
