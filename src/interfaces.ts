/** Types that cross modules: the public shapes of jobs, schedule options, pools and queries. */
import type { JobsError } from "./errors.js";
import type { BackoffOption } from "./options/backoff.js";
import type { Duration } from "./options/duration.js";
import type { Recurrence } from "./options/recurrence.js";

export type JobStatus = "queued" | "executing" | "finished" | "failed" | "cancelled" | "rejected";

export const JOB_STATUSES: readonly JobStatus[] = ["queued", "executing", "finished", "failed", "cancelled", "rejected"];

/** Options of one schedule call; each overrides the job type's default from the contract. */
export interface ScheduleOptions {
  /** Run after this long (ms or "5m", "1h30m"). Default: now. */
  readonly delay?: Duration;
  /** Run at this time; wins over delay. */
  readonly runAt?: Date | number;
  /** Higher runs first; -1024..1023. */
  readonly priority?: number;
  /** Caller-chosen id: scheduling the same id again returns the existing job and creates nothing. */
  readonly id?: string;
  /** Retries after the first failed attempt. */
  readonly retries?: number;
  readonly backoff?: BackoffOption;
  /** An attempt running longer than this fails with JobTimeoutError. */
  readonly timeout?: Duration;
}

/** A job's error as stored: readable back after a refresh. */
export interface JobErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** For rejected jobs: each failing path of the payload. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

/** A snapshot of a job as last read from Redis. */
export interface JobSnapshot<P = unknown> {
  readonly id: string;
  readonly type: string;
  readonly status: JobStatus;
  readonly payload: P;
  readonly priority: number;
  readonly runAt: Date;
  readonly createdAt: Date;
  /** Attempts claimed over the job's life (a recurring job counts every run). */
  readonly attempts: number;
  /** Retries left in the current run. */
  readonly retriesLeft: number;
  readonly retries: number;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
  /** finishedAt - startedAt of the last attempt; undefined while either is unset, never negative. */
  readonly durationMs: number | undefined;
  readonly error: JobErrorInfo | undefined;
  readonly recurrence: Recurrence | undefined;
  readonly schemaHash: string | undefined;
  /** The pool that last claimed the job. */
  readonly poolId: string | undefined;
  /** Set while executing when a cancel was requested. */
  readonly cancelRequested: boolean;
}

/**
 * What a reschedule changes besides the time: `{ every }` or `{ cron, timezone? }` makes the job
 * recurring on that schedule, `{ recurrence: null }` makes it one-off; omitted, it keeps its own.
 */
export type RescheduleOptions = Recurrence | { readonly recurrence?: Recurrence | null };

/** Counts of jobs by status. */
export type StatusCounts = Record<JobStatus, number>;

export interface CountsByType {
  readonly total: StatusCounts;
  readonly byType: Readonly<Record<string, StatusCounts>>;
}

export interface ListOptions {
  readonly type?: string;
  readonly offset?: number;
  readonly limit?: number;
}

/** How long finished and failed jobs stay readable before retention deletes them. */
export interface RetentionOptions {
  /** Default 1000 per type. */
  readonly finishedCount?: number;
  /** Default "1h". */
  readonly finishedAge?: Duration;
  /** Failed, cancelled and rejected jobs; default 10000 per type. */
  readonly failedCount?: number;
  /** Default "7d". */
  readonly failedAge?: Duration;
}

/** Pool events, for logs and metrics. */
export interface PoolEvents {
  started: [job: JobSnapshot];
  finished: [job: JobSnapshot, durationMs: number];
  failed: [job: JobSnapshot, error: JobsError | Error];
  retried: [job: JobSnapshot, error: JobsError | Error];
  rejected: [job: JobSnapshot, error: JobsError];
  cancelled: [job: JobSnapshot];
  recovered: [ids: readonly string[]];
  /** A background error the pool survived (Redis gone, a script refused); it keeps retrying. */
  error: [error: JobsError];
}
