import { CorruptJobRecordError, JobStateError } from "../errors.js";
import type { JobSnapshot } from "../interfaces.js";
import { promoteJob, retryJob } from "../redis/scripts/job-actions.js";
import type { OpsContext } from "./ops-context.js";
import { readJob, runForJob } from "./read-job.js";

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
