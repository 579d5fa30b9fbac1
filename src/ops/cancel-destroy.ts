import { JobNotFoundError, JobStateError } from "../errors.js";
import type { JobSnapshot } from "../interfaces.js";
import { decodeRecord } from "../redis/record.js";
import { cancel, destroy } from "../redis/scripts/job-commands.js";
import { toSnapshot } from "../store/job-record.js";
import type { OpsContext } from "./ops-context.js";

/**
 * Cancels one job by id, for tools that hold no job handle: a queued job ends cancelled at once, an
 * executing one when its attempt ends. A job that has already ended is a JobStateError.
 */
export async function cancelJob(ctx: OpsContext, id: string): Promise<JobSnapshot> {
  const op = "cancel";
  const before = await readJob(ctx, id, op);
  let reply = await cancel(ctx.runner, before.type, id);
  if (reply.code === "other-type") reply = await cancel(ctx.runner, reply.detail, id);
  if (reply.code === "missing") throw new JobNotFoundError(op, id);
  if (reply.code === "unchanged") throw new JobStateError(op, id, reply.detail || before.status, "only a queued or executing job can be cancelled");
  return readJob(ctx, id, op);
}

/** Deletes one job and every trace of it, whatever its status; JobNotFoundError when there is none. */
export async function destroyJob(ctx: OpsContext, id: string): Promise<void> {
  const op = "destroy";
  const job = await readJob(ctx, id, op);
  if (!(await destroy(ctx.runner, job.type, id))) throw new JobNotFoundError(op, id);
}

async function readJob(ctx: OpsContext, id: string, op: string): Promise<JobSnapshot> {
  const raw = await ctx.queries.readRecord(id, op);
  if (raw === null) throw new JobNotFoundError(op, id);
  return toSnapshot(id, decodeRecord(id, raw, op));
}
