import type { JobTypes } from "../contract/job-type.js";
import type { BulkOptions, BulkProgress, BulkSelection, CountsByType, JobSnapshot, JobStatus, ListOptions, PoolInfo, RegisteredContract, RescheduleOptions, RetentionOptions, ScheduleOptions, Stats, ThroughputPoint } from "../interfaces.js";
import type { Recurrence } from "../options/recurrence.js";
import type { Pool, PoolOptions } from "../pool/pool-api.js";
import type { Job } from "./job.js";
import type { RedisConnectionOptions } from "../redis/connection.js";

/** Where the jobs live and how they are kept. */
export interface JobsOptions {
  /** A URL (redis://, rediss://, unix socket path) or options; default REDIS_URL, else redis://127.0.0.1:6379. */
  readonly redis?: string | RedisConnectionOptions | undefined;
  /** Jobs of different namespaces never see each other; a namespace is the unit of sharding on Redis Cluster. Default "default". */
  readonly namespace?: string;
  /** Prefix of every key. Default "tj:". */
  readonly prefix?: string;
  /** Largest encoded payload accepted by schedule. Default 512 KiB. */
  readonly maxPayloadBytes?: number;
  readonly retention?: RetentionOptions;
}

/** The runtime of one contract: schedule, query and run its jobs. */
export interface Jobs<M> {
  /** Sets connection and storage options; call before the first schedule or pool, or after close(). */
  configure(options: JobsOptions): void;
  /**
   * Validates the payload and schedules one job. A tick's first call goes at once; the calls after it
   * in the same tick reach Redis in script calls of many jobs, as a bulk would, each with its own
   * result (those sharing a script call fail alike if it fails).
   */
  schedule<K extends keyof M & string>(type: K, payload: M[K], options?: ScheduleOptions): Promise<Job<M[K]>>;
  /** Validates every payload first; writes all in one round trip, or none. */
  scheduleBulk<K extends keyof M & string>(type: K, payloads: readonly M[K][], options?: ScheduleOptions): Promise<Job<M[K]>[]>;
  scheduleRecurring<K extends keyof M & string>(type: K, payload: M[K], recurrence: Recurrence, options?: ScheduleOptions): Promise<Job<M[K]>>;
  /**
   * Calls `listener` after each schedule call with the job type and the number of jobs it created
   * (an id that already existed creates none); returns the function that removes it. For metrics.
   */
  onScheduled(listener: ScheduledListener): () => void;
  /** Throws JobNotFoundError naming the id when there is no such job. */
  findJob(id: string): Promise<Job<unknown>>;
  counts(): Promise<CountsByType>;
  listJobs(status: JobStatus, options?: ListOptions): Promise<Job<unknown>[]>;
  /** How many jobs execute right now. */
  running(): Promise<number>;
  createPool<K extends keyof M & string = keyof M & string>(options: PoolOptions<M, K>): Pool;
  /** No pool claims jobs of a paused type (scheduling goes on; running jobs finish). Kept in Redis. */
  pause(type: keyof M & string): Promise<void>;
  /** Idle pools hear of a resume at once. */
  resume(type: keyof M & string): Promise<void>;
  pausedTypes(): Promise<string[]>;
  /** A failed, rejected or cancelled job queued again now with a fresh retry budget. */
  retry(id: string): Promise<Job<unknown>>;
  /** A delayed job (a retry's backoff, a recurring job's next slot) due now. */
  promote(id: string): Promise<Job<unknown>>;
  /** Retries the selected failed, rejected or cancelled jobs, in bounded batches. */
  retryAll<K extends keyof M & string>(selection: TypedBulkSelection<K>, options?: BulkOptions): Promise<BulkProgress>;
  /** Cancels the selected queued jobs, in bounded batches. */
  cancelAll<K extends keyof M & string>(selection: TypedBulkSelection<K>, options?: BulkOptions): Promise<BulkProgress>;
  /** Destroys the selected ended jobs, in bounded batches. */
  destroyAll<K extends keyof M & string>(selection: TypedBulkSelection<K>, options?: BulkOptions): Promise<BulkProgress>;
  stats(): Promise<Stats>;
  /** Per minute over the last `minutes` (at most 1440), oldest first. */
  throughput(type: keyof M & string, minutes?: number): Promise<ThroughputPoint[]>;
  pools(): Promise<PoolInfo[]>;
  /** Every schema a runtime published to the namespace's contract registry. */
  contracts(): Promise<RegisteredContract[]>;
  /** Every recurring job, next run first. */
  recurring(): Promise<Job<unknown>[]>;
  /** Closes the shared connection; pools close their own. */
  close(): Promise<void>;
  readonly types: JobTypes<M>;
}

/** Told of each schedule call's created jobs (`onScheduled`). */
export type ScheduledListener = (type: string, created: number) => void;

/** A bulk selection whose type is one of the contract's. */
export type TypedBulkSelection<K extends string> = BulkSelection & { readonly type: K };

export type { JobSnapshot, RescheduleOptions };
