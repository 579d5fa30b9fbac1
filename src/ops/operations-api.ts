import type { PayloadRewrite, RewriteOutcome, RunnableBatch, ScanOptions } from "./runnable-jobs.js";
import type { BulkOptions, BulkProgress, BulkSelection, CountsByType, JobSnapshot, JobStatus, ListOptions, PoolInfo, RegisteredContract, ScriptLibrary, Stats, ThroughputPoint } from "../interfaces.js";

/**
 * Operating a namespace: pause and resume job types, retry and promote jobs one by one or in bulk,
 * and read stats, pools and the contracts runtimes published. The `jobs` CLI and the dashboard are
 * built on it; `Jobs` offers the same, typed by the contract.
 */
export interface Operations {
  /** No pool claims jobs of a paused type (scheduling goes on; running jobs finish). Kept in Redis. */
  pause(type: string): Promise<void>;
  /** Idle pools hear of a resume at once. */
  resume(type: string): Promise<void>;
  pausedTypes(): Promise<string[]>;
  /** A failed, rejected or cancelled job queued again now with a fresh retry budget. */
  retry(id: string): Promise<JobSnapshot>;
  /** A delayed job (a retry's backoff, a recurring job's next slot) due now. */
  promote(id: string): Promise<JobSnapshot>;
  /** A queued job cancelled now, an executing one when its attempt ends; an ended job is a JobStateError. */
  cancel(id: string): Promise<JobSnapshot>;
  /** Deletes the job and every trace of it, whatever its status; JobNotFoundError when there is none. */
  destroy(id: string): Promise<void>;
  /** Retries the selected failed, rejected or cancelled jobs, in bounded batches. */
  retryAll(selection: BulkSelection, options?: BulkOptions): Promise<BulkProgress>;
  /** Cancels the selected queued jobs, in bounded batches. */
  cancelAll(selection: BulkSelection, options?: BulkOptions): Promise<BulkProgress>;
  /** Destroys the selected ended jobs (finished, failed, cancelled, rejected), in bounded batches. */
  destroyAll(selection: BulkSelection, options?: BulkOptions): Promise<BulkProgress>;
  stats(): Promise<Stats>;
  /** Per minute over the last `minutes` (at most 1440), oldest first, a point for every minute. */
  throughput(type: string, minutes?: number): Promise<ThroughputPoint[]>;
  pools(): Promise<PoolInfo[]>;
  /** The scripts' function libraries on the server (every version's), this version's first. Server-wide, not per namespace. */
  scriptLibraries(): Promise<ScriptLibrary[]>;
  /** Loads this version's library (on every primary), as its first call would: before a deploy whose Redis user may not load it. */
  loadScripts(): Promise<void>;
  /** Deletes every other version's library and names them; a process of such a version still running loads its own again. */
  pruneScriptLibraries(): Promise<string[]>;
  /** Every schema a runtime published, oldest first per type. */
  contracts(): Promise<RegisteredContract[]>;
  /** Every recurring job, next run first. */
  recurring(): Promise<JobSnapshot[]>;
  findJob(id: string): Promise<JobSnapshot>;
  listJobs(status: JobStatus, options?: ListOptions): Promise<JobSnapshot[]>;
  counts(): Promise<CountsByType>;
  /**
   * Every job that can still run (queued, deferred or executing), in bounded batches, read only: what
   * `jobs-gen verify` checks against a new build. Jobs that move between states meanwhile are each
   * read once; jobs added meanwhile may be missed.
   */
  scanRunnable(options?: ScanOptions): AsyncIterable<RunnableBatch>;
  /**
   * Gives queued jobs a new contract identity (and payload), each a compare-and-set against the
   * record read: a job claimed, cancelled or changed meanwhile is skipped. For `jobs-gen migrate`.
   */
  rewritePayloads(rewrites: readonly PayloadRewrite[]): Promise<RewriteOutcome[]>;
  /** Closes the connection, when the operations opened their own. */
  close(): Promise<void>;
}
