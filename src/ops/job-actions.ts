import { CorruptJobRecordError, JobNotFoundError, JobStateError } from "../errors.js";
import type { JobSnapshot } from "../interfaces.js";
import { decodeRecord } from "../redis/record.js";
import type { JobCommandReply } from "../redis/scripts/job-commands.js";
import { promoteJob, retryJob } from "../redis/scripts/job-actions.js";
import type { OpsContext } from "./ops-context.js";
import { readJob } from "./read-job.js";

/**
 * Queues a failed, rejected or cancelled job again now, with a fresh retry budget (its failures and
 * last error cleared, its attempts kept), and wakes an idle pool. Returns the job as it is after.
 */
export async function retry(ctx: OpsContext, id: string): Promise<JobSnapshot> {
  const reply = await runForJob(ctx, id, "retry", (type) => retryJob(ctx.runner, type, id));
  if (reply.code === "corrupt") throw new CorruptJobRecordError("retry", id, "it was quarantined as unreadable; its original bytes are kept as its payload, and there is no job to run again");
  if (reply.code === "state") throw new JobStateError("retry", id, reply.detail, "retry takes failed, rejected or cancelled jobs");
  return readJob(ctx, id, "retry");
}

/**
 * Makes a queued job that waits for its run-at (a delay, a retry's backoff, a recurring job's next
 * slot) due now. A job already due is returned unchanged.
 */
export async function promote(ctx: OpsContext, id: string): Promise<JobSnapshot> {
  const reply = await runForJob(ctx, id, "promote", (type) => promoteJob(ctx.runner, type, id));
  if (reply.code === "corrupt") throw new CorruptJobRecordError("promote", id, "the record cannot be read");
  if (reply.code === "state") throw new JobStateError("promote", id, reply.detail, "promote takes queued jobs waiting for their run-at");
  return readJob(ctx, id, "promote");
}

/**
 * Runs a single-job script with the keys of the job's type, read from its record first; should the
 * record change type meanwhile (destroyed and scheduled again), once more with the type it names.
 */
async function runForJob<C extends string>(ctx: OpsContext, id: string, op: string, run: (type: string) => Promise<JobCommandReply<C>>): Promise<JobCommandReply<C>> {
  const raw = await ctx.queries.readRecord(id, op);
  if (raw === null) throw new JobNotFoundError(op, id);
  let reply = await run(decodeRecord(id, raw, op).header.t);
  if (reply.code === "other-type") reply = await run(reply.detail);
  if (reply.code === "missing" || reply.code === "other-type") throw new JobNotFoundError(op, id);
  return reply;
}
