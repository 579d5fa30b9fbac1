import { decodeRecord } from "../redis/record.js";
import { withRedis } from "../redis/redis-error.js";
import { parsedPayload } from "../store/job-record.js";
import type { OpsContext } from "./ops-context.js";
import { recordedType } from "./read-job.js";
import { RUNNABLE_STATUSES, type RunnableBatch, type RunnableJob, type ScanOptions, type UnreadableJob } from "./runnable-jobs.js";
import { redisNow } from "./redis-clock.js";

const DEFAULT_COUNT = 250;

/**
 * Every job that can still run, in bounded reads of the jobs hash (HSCAN), read only. A cursor over
 * the records rather than pages of the per-type keys: HSCAN returns every record present from the
 * scan's start to its end, however the job moves between its type's keys meanwhile (promoted,
 * claimed, retried), where a page of a list or set shifts under claims and skips jobs. Retention
 * bounds the ended jobs it reads past. The next read is in flight while a batch is handled.
 */
export async function* scanRunnable(ctx: OpsContext, options: ScanOptions = {}): AsyncGenerator<RunnableBatch> {
  const count = options.count ?? DEFAULT_COUNT;
  const now = await redisNow(ctx.redis, "scanRunnable");
  const read = (cursor: string) => withRedis("scanRunnable", () => ctx.redis.hscan(ctx.keys.jobs, cursor, "COUNT", count), ctx.redis);
  // HSCAN may return a record twice (the hash shrank meanwhile); each job is given once.
  const seen = new Set<string>();
  let pending: Promise<[string, string[]]> | undefined = read("0");
  try {
    while (pending) {
      const [cursor, flat]: [string, string[]] = await pending;
      pending = cursor === "0" ? undefined : read(cursor);
      yield runnableOf(flat, now, seen);
    }
  } finally {
    // A consumer that stops early leaves a read in flight; its failure is nobody's to report.
    pending?.catch(() => undefined);
  }
}

function runnableOf(flat: readonly string[], now: number, seen: Set<string>): RunnableBatch {
  const jobs: RunnableJob[] = [];
  const unreadable: UnreadableJob[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const id = flat[i]!;
    const raw = flat[i + 1]!;
    let record;
    try {
      record = decodeRecord(id, raw, "scanRunnable");
    } catch (error) {
      if (!seen.has(id)) unreadable.push({ id, type: recordedType(raw), reason: (error as Error).message });
      seen.add(id);
      continue;
    }
    const { header } = record;
    if (!RUNNABLE_STATUSES.includes(header.s) || seen.has(id)) continue;
    seen.add(id);
    jobs.push({
      id,
      type: header.t,
      status: header.s as RunnableJob["status"],
      delayed: header.s === "queued" && header.at > now,
      retrying: header.s === "queued" && (header.f ?? 0) > 0,
      recurring: header.ev !== undefined || header.cr !== undefined,
      schemaHash: header.h,
      payload: parsedPayload(record.payloadJson),
      revision: raw,
    });
  }
  return { jobs, unreadable, read: flat.length / 2 };
}
