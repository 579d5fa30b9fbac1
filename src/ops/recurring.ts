import type { JobSnapshot } from "../interfaces.js";
import { decodeRecord } from "../redis/record.js";
import { recurringIds } from "../redis/recurring-index.js";
import { pruneRecurring } from "../redis/scripts/prune-recurring.js";
import { toSnapshot } from "../store/job-record.js";
import type { OpsContext } from "./ops-context.js";

/**
 * Every recurring job that will run again (queued or executing), next run first. Read from the
 * recurring index, not the scheduled sets, so a namespace with a million delayed jobs costs what its
 * recurring jobs cost. Ids whose job is gone or no longer recurring are dropped from the index
 * (pruneRecurring.lua checks each again, so a job changed meanwhile is kept); a recurring job that
 * ended (cancelled, rejected) stays in it, since a retry can bring it back.
 */
export async function readRecurring(ctx: OpsContext): Promise<JobSnapshot[]> {
  const ids = await recurringIds(ctx.redis, ctx.keys, "recurring");
  const jobs: JobSnapshot[] = [];
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const chunk = ids.slice(i, i + READ_CHUNK);
    const stale: string[] = [];
    const raws = await ctx.queries.readRecords(chunk, "recurring");
    chunk.forEach((id, k) => {
      const raw = raws[k];
      if (!raw) return void stale.push(id);
      let snapshot: JobSnapshot;
      try {
        snapshot = toSnapshot(id, decodeRecord(id, raw, "recurring"));
      } catch {
        return; // unreadable: left for the lease reaper or an operator, not judged here
      }
      if (!snapshot.recurrence) stale.push(id);
      else if (snapshot.status === "queued" || snapshot.status === "executing") jobs.push(snapshot);
    });
    // Best effort: a reader without write access still gets its answer.
    await pruneRecurring(ctx.runner, stale, "recurring").catch(() => undefined);
  }
  return jobs.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : 1));
}

const READ_CHUNK = 1000;
