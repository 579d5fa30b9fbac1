import type { ParsedPayload } from "../contract/admit-payload.js";

/**
 * The statuses of a job that can still run: queued (due, delayed, retrying after a backoff, a
 * recurring job's next run), executing, and deferred (left by a pool that does not know its
 * identity). `scanRunnable` reads these and no others; a new waiting status is one more entry here.
 */
export const RUNNABLE_STATUSES: readonly string[] = ["queued", "executing", "deferred"];

/** A job that can still run, as `scanRunnable` read it. */
export interface RunnableJob {
  readonly id: string;
  readonly type: string;
  readonly status: "queued" | "executing" | "deferred";
  /** Queued with its run-at ahead of Redis's clock when the scan began. */
  readonly delayed: boolean;
  /** Queued again after a failed attempt. */
  readonly retrying: boolean;
  readonly recurring: boolean;
  /** The contract identity the job is stamped with; undefined for a job stamped with none. */
  readonly schemaHash: string | undefined;
  /** Parsed as a pool parses it, `__proto__` keys dropped. */
  readonly payload: ParsedPayload;
  /** The record as read: `rewritePayloads` rewrites the job only while it is still exactly this. */
  readonly revision: string;
}

/** A record whose header cannot be read; a pool would fail it as corrupt. */
export interface UnreadableJob {
  readonly id: string;
  /** The type its header names, when that much can be read. */
  readonly type: string | undefined;
  readonly reason: string;
}

/** One bounded read of the scan. */
export interface RunnableBatch {
  readonly jobs: readonly RunnableJob[];
  readonly unreadable: readonly UnreadableJob[];
  /** Records read in this batch, of any status. */
  readonly read: number;
}

export interface ScanOptions {
  /** Records asked of Redis per read (HSCAN's COUNT); default 250. */
  readonly count?: number;
}

/** A waiting job given a new payload and identity (`payloadJson` undefined: the payload is kept, only the identity changes). */
export interface PayloadRewrite {
  readonly id: string;
  /** The job's record as read (RunnableJob.revision). */
  readonly revision: string;
  readonly schemaHash: string;
  readonly payloadJson?: string;
}

/** Per rewrite: done, or skipped because the job changed since it was read (claimed, cancelled, rewritten, gone). */
export type RewriteOutcome = "rewritten" | "skipped";
