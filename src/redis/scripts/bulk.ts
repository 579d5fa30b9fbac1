import type { ScriptRunner } from "../script-runner.js";

/**
 * The bulk scripts, by action, and the sources each one can examine (includes/bulk-select.lua). A
 * selection of queued jobs examines the first three of cancel's in the direction they move
 * (scheduled, then ready, then the queue list), so a job promoted during the run is met again in a
 * source not yet examined; one of deferred jobs examines deferred:<T>.
 */
export const BULK_SCRIPTS = {
  retry: { script: "bulkRetry", sources: ["failed", "rejected", "cancelled"] },
  cancel: { script: "bulkCancel", sources: ["scheduled", "ready", "queue", "deferred"] },
  destroy: { script: "bulkDestroy", sources: ["finished", "failed", "cancelled", "rejected"] },
} as const;

export type BulkAction = keyof typeof BULK_SCRIPTS;
export type BulkSource = (typeof BULK_SCRIPTS)[BulkAction]["sources"][number];

/** Where a bulk action stopped in one source: a zset's last entry examined, or the queue list's next index and the id there. */
export interface BulkCursor {
  readonly first: string;
  readonly second: string;
}

export const START_OF_ZSET: BulkCursor = { first: "", second: "" };
export const START_OF_LIST: BulkCursor = { first: "0", second: "" };

export interface BulkBatchArgs {
  readonly action: BulkAction;
  readonly type: string;
  readonly source: BulkSource;
  readonly cursor: BulkCursor;
  readonly batchSize: number;
  /** The batch ends after the entry whose record passes this many bytes. */
  readonly batchBytes: number;
  /** Only jobs that entered their status before this (Redis clock, ms): ended by then, or created by then. */
  readonly cutoffMs: number;
  /** Payload paths (as segments) and the scalar each must hold. */
  readonly where: readonly (readonly [readonly string[], string | number | boolean | null])[];
}

export interface BulkBatchResult {
  readonly scanned: number;
  readonly matched: number;
  readonly changed: number;
  /** The source has been examined to its end. */
  readonly done: boolean;
  readonly cursor: BulkCursor;
}

/** One batch of a bulk action over one source (bulkRetry.lua, bulkCancel.lua, bulkDestroy.lua). */
export async function bulkBatch(runner: ScriptRunner, a: BulkBatchArgs): Promise<BulkBatchResult> {
  const { script } = BULK_SCRIPTS[a.action];
  const where = a.where.length === 0 ? "" : JSON.stringify(a.where);
  const reply = (await runner.run(script, `redis.${script}`, [a.type], [a.source, a.cursor.first, a.cursor.second, a.batchSize, a.cutoffMs, where, a.batchBytes])) as [number, number, number, string, string | number, string];
  return { scanned: reply[0], matched: reply[1], changed: reply[2], done: reply[3] === "1", cursor: { first: String(reply[4]), second: reply[5] } };
}
