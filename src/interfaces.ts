/** Types that cross modules: the public shapes of jobs, schedule options, pools and queries. */
import type { JobsError } from "./errors.js";
import type { BackoffOption } from "./options/backoff.js";
import type { Duration } from "./options/duration.js";
import type { Recurrence } from "./options/recurrence.js";

/**
 * `deferred`: the job carries a contract identity the pools that claimed it do not know (a newer or
 * rolled-back producer's); it waits, no attempt used, for a pool that knows it, until its deadline.
 */
export type JobStatus = "queued" | "executing" | "finished" | "failed" | "cancelled" | "rejected" | "deferred";

export const JOB_STATUSES: readonly JobStatus[] = ["queued", "executing", "finished", "failed", "cancelled", "rejected", "deferred"];

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
  /** While the status is deferred: the identity no pool that claimed the job knew, since when, and until when it waits. */
  readonly deferred: DeferredInfo | undefined;
}

/** A deferred job: left by a pool whose build does not know its contract identity. */
export interface DeferredInfo {
  readonly identity: string;
  readonly since: Date;
  /** Past this, a pool that does not know the identity rejects the job. */
  readonly deadline: Date;
}

/**
 * What a reschedule changes besides the time: `{ every }` or `{ cron, timezone? }` makes the job
 * recurring on that schedule, `{ recurrence: null }` makes it one-off; omitted, it keeps its own.
 */
export type RescheduleOptions = Recurrence | { readonly recurrence?: Recurrence | null };

/** Counts of jobs by status. */
export type StatusCounts = Record<JobStatus, number>;

/** Jobs by status, in total and per type. */
export interface StatusCountsByType {
  readonly total: StatusCounts;
  readonly byType: Readonly<Record<string, StatusCounts>>;
}

/**
 * The queued jobs split: `due` a pool can claim now; `delayed` wait for a run-at still ahead (a
 * delay or runAt, a retry's backoff, a recurring job's next run).
 */
export interface QueuedCounts {
  readonly due: number;
  readonly delayed: number;
}

/** `counts()`: jobs by status, and the queued ones split into due and delayed, in total and per type. */
export interface CountsByType extends StatusCountsByType {
  readonly queued: { readonly total: QueuedCounts; readonly byType: Readonly<Record<string, QueuedCounts>> };
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
  /** Jobs whose lease expired, taken back from a dead pool; `types[i]` is the type of `ids[i]`. */
  recovered: [ids: readonly string[], types: readonly string[]];
  /** Every attempt once settled, with its timings: what metrics are made of. */
  attempt: [report: AttemptReport];
  /** A background error the pool survived (Redis gone, a script refused); it keeps retrying. */
  error: [error: JobsError];
  /** Once, at start: the pool's namespace holds no jobs while others under the same prefix hold jobs of its types. */
  namespaceMismatch: [mismatch: NamespaceMismatch];
}

/** A pool waits on an empty namespace while others under the same prefix hold jobs of its types. */
export interface NamespaceMismatch {
  readonly namespace: string;
  readonly prefix: string;
  /** The other namespaces with queued, delayed or retrying jobs of the pool's types. */
  readonly others: readonly string[];
  readonly message: string;
}

/** How an attempt settled, as the pool's events name it. */
export type AttemptOutcome = "finished" | "retried" | "failed" | "rejected" | "cancelled";

/** One settled attempt (the pool's `attempt` event). */
export interface AttemptReport {
  readonly id: string;
  readonly type: string;
  /** 1 on the first attempt of the job's life. */
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
  /** How long the handler ran, ms; undefined when none ran (a rejected payload). */
  readonly handlerMs: number | undefined;
  /** From the attempt's run-at to its claim, ms (Redis's clock both), never negative. */
  readonly waitMs: number;
  /** Why it failed, retried or was rejected. */
  readonly error: Error | undefined;
}

/** What a bulk action acts on: one job type's jobs of one status, narrowed by age and payload fields. */
export interface BulkSelection {
  readonly type: string;
  readonly status: JobStatus;
  /** Only jobs that entered this status longer ago than this (queued and deferred: created; ended: end time). */
  readonly olderThan?: Duration;
  /**
   * Payload fields that must equal these values, by path ("user.id" or the JSON pointer "/user/id").
   * Each path is checked against the type's schema before anything runs.
   */
  readonly where?: Readonly<Record<string, string | number | boolean | null>>;
}

/** How far a bulk action has come; reported after every batch. */
export interface BulkProgress {
  /** Jobs of the status examined so far. */
  readonly scanned: number;
  /** Of those, jobs that matched the selection. */
  readonly matched: number;
  /** Of those, jobs the action changed (a job that moved on meanwhile is matched, not changed). */
  readonly changed: number;
  /** Jobs of the status when the action began: an estimate of the work. */
  readonly total: number;
  /** Batches run so far; each is one short script call. */
  readonly batches: number;
}

export interface BulkOptions {
  readonly onProgress?: (progress: BulkProgress) => void;
  /** Stops between batches; what was done stays done. */
  readonly signal?: AbortSignal;
}

/** One job type's state, as `stats()` reads it. */
export interface TypeStats {
  readonly counts: StatusCounts;
  /** Of counts.queued, jobs whose run-at is still ahead (delayed, retry backoff, recurring). */
  readonly delayed: number;
  /** How long the job waiting longest among the due ones has waited, ms; null when none is due. */
  readonly oldestDueAgeMs: number | null;
  readonly paused: boolean;
}

/** A type's throughput series (`throughput()`) summed over some minutes. */
export interface ThroughputTotals {
  readonly finished: number;
  readonly failed: number;
}

/** Jobs of one type that ended an attempt in one minute. */
export interface ThroughputPoint {
  /** The start of the minute. */
  readonly minute: Date;
  readonly finished: number;
  /** Attempts that failed, retried or not, and jobs the lease reaper failed. */
  readonly failed: number;
}

/**
 * One version of the scripts' Redis function library on the server, `typed_jobs_<hash>`
 * (docs/data-model.md#the-scripts). The library is server-wide: every namespace on the server uses it.
 */
export interface ScriptLibrary {
  readonly name: string;
  /** The library this version of typed-jobs calls. */
  readonly current: boolean;
  /** The primaries holding it, of `primaries` (1 and 1 on a single server). */
  readonly loadedOn: number;
  readonly primaries: number;
}

/** A pool that is alive: its last heartbeat is recent. */
export interface PoolInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly types: readonly string[];
  readonly concurrency: number;
  readonly running: number;
  readonly startedAt: Date;
  readonly lastHeartbeat: Date;
  /**
   * Per type, the contract identities the pool's build knows, newest first (empty for a pool that
   * published none: an older version, or a module that lists none).
   */
  readonly identities: { readonly [type: string]: readonly string[] };
}

export interface Stats {
  /** When Redis was read. */
  readonly at: Date;
  readonly total: StatusCounts;
  readonly byType: Readonly<Record<string, TypeStats>>;
  /**
   * Per type (the types of byType), its throughput series over the last 60 minutes, the current one
   * included, summed; the per-minute points are `throughput(type, 60)`'s.
   */
  readonly lastHour: Readonly<Record<string, ThroughputTotals>>;
  readonly pools: readonly PoolInfo[];
}

/** A payload schema a runtime published to Redis, so tools without the application's code can read it. */
export interface RegisteredContract {
  readonly type: string;
  readonly schemaHash: string;
  /** The payload's JSON Schema. */
  readonly schema: object;
  /** When a runtime first published this hash (Redis's clock). */
  readonly firstSeen: Date;
  /**
   * When a runtime last started with this hash (Redis's clock; firstSeen for entries published
   * before it was kept). The latest of a type is its current contract.
   */
  readonly lastPublished: Date;
}
