import { InvalidOptionError } from "../errors.js";
import type { BulkOptions, BulkProgress, BulkSelection, JobStatus } from "../interfaces.js";
import { toMilliseconds } from "../options/duration.js";
import { assertTypeName } from "../options/type-name.js";
import { bulkBatch, START_OF_LIST, START_OF_ZSET, type BulkAction, type BulkBatchArgs, type BulkSource } from "../redis/scripts/bulk.js";
import { assertKnownType } from "./known-type.js";
import type { OpsContext } from "./ops-context.js";
import { parsePayloadPath, schemaHasPath } from "./payload-path.js";
import { redisNow } from "./redis-clock.js";

export type { BulkAction } from "../redis/scripts/bulk.js";

/** Entries one script call examines: short enough that Redis answers other clients between calls. */
export const BULK_BATCH_SIZE = 200;
/** Record bytes one script call examines (after at least one entry): large payloads make short batches. */
export const BULK_BATCH_BYTES = 1024 * 1024;

/** The statuses each action takes. */
const ACCEPTS: Readonly<Record<BulkAction, readonly JobStatus[]>> = {
  retry: ["failed", "rejected", "cancelled"],
  cancel: ["queued", "deferred"],
  destroy: ["finished", "failed", "cancelled", "rejected"],
};

/** Where queued jobs wait: due with a priority, scheduled, and the queue list. */
const QUEUED_SOURCES: readonly BulkSource[] = ["scheduled", "ready", "queue"];

type Plan = Omit<BulkBatchArgs, "source" | "cursor">;

/**
 * Runs a bulk action as a sequence of short script calls, each over at most a batch of one source
 * key (an ended zset; for queued jobs the ready and scheduled zsets and the queue list), so Redis
 * answers other clients between them. The selection is checked whole before anything runs. Progress
 * is reported after every batch; an aborted signal stops the work between batches, and the progress
 * so far is returned. Running it again changes nothing more.
 */
export async function runBulk(ctx: OpsContext, action: BulkAction, selection: BulkSelection, options: BulkOptions = {}): Promise<BulkProgress> {
  const op = `${action}All`;
  const plan = await planOf(ctx, op, action, selection);
  const sources: readonly BulkSource[] = selection.status === "queued" ? QUEUED_SOURCES : [selection.status as BulkSource];
  const counts = await ctx.queries.counts([selection.type]);
  let progress: BulkProgress = { scanned: 0, matched: 0, changed: 0, total: counts.byType[selection.type]![selection.status], batches: 0 };
  for (const source of sources) {
    let cursor = source === "queue" ? START_OF_LIST : START_OF_ZSET;
    for (;;) {
      if (options.signal?.aborted) return progress;
      const batch = await bulkBatch(ctx.runner, { ...plan, source, cursor });
      progress = {
        scanned: progress.scanned + batch.scanned,
        matched: progress.matched + batch.matched,
        changed: progress.changed + batch.changed,
        total: progress.total,
        batches: progress.batches + 1,
      };
      options.onProgress?.(progress);
      if (batch.done) break;
      cursor = batch.cursor;
    }
  }
  return progress;
}

/** The selection checked and turned into script arguments; every mistake an InvalidOptionError before anything runs. */
async function planOf(ctx: OpsContext, op: string, action: BulkAction, selection: BulkSelection): Promise<Plan> {
  if (typeof selection !== "object" || selection === null) throw new InvalidOptionError(op, "selection", "must be an object { type, status, olderThan?, where? }");
  assertTypeName(selection.type, op);
  await assertKnownType(ctx, selection.type, op);
  if (!ACCEPTS[action].includes(selection.status)) {
    throw new InvalidOptionError(op, "status", `must be ${ACCEPTS[action].join(", ")} for ${op}, got ${JSON.stringify(selection.status)}`);
  }
  const olderThanMs = selection.olderThan === undefined ? undefined : toMilliseconds(selection.olderThan, "olderThan", op);
  const where = await whereOf(ctx, op, selection);
  // Bounded at the start: jobs that end, or are created, while the action runs are left alone, so a
  // job retried and failed again mid-run is not retried twice, and a busy type's run still ends.
  // A job created in the millisecond the action began is taken (it was scheduled as it began); a job
  // that ended in it is not (it may be one retried and failed again already).
  const startMs = await redisNow(ctx.redis, op);
  const bound = action === "cancel" ? startMs + 1 : startMs;
  const cutoffMs = olderThanMs === undefined ? bound : startMs - olderThanMs;
  return { action, type: selection.type, batchSize: BULK_BATCH_SIZE, batchBytes: BULK_BATCH_BYTES, cutoffMs, where };
}

/** Each `where` path, checked against the type's payload schema, with its value. */
async function whereOf(ctx: OpsContext, op: string, selection: BulkSelection): Promise<Plan["where"]> {
  const entries = Object.entries(selection.where ?? {});
  if (entries.length === 0) return [];
  const schema = await ctx.schemaOf(selection.type);
  return entries.map(([path, value]) => {
    const segments = parsePayloadPath(path, op);
    if (schema === undefined) throw new InvalidOptionError(op, "where", `path ${JSON.stringify(path)} cannot be checked: no payload schema is known for job type ${selection.type}`);
    if (!schemaHasPath(schema, segments)) throw new InvalidOptionError(op, "where", `path ${JSON.stringify(path)} is not in the payload schema of job type ${selection.type}`);
    if (!isScalar(value)) throw new InvalidOptionError(op, "where", `value of ${JSON.stringify(path)} must be a string, a finite number, a boolean or null`);
    return [segments, value] as const;
  });
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

