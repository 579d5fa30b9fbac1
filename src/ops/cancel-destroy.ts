import { JobNotFoundError, JobStateError } from "../errors.js";
import type { JobSnapshot } from "../interfaces.js";
import { typeNameProblem } from "../options/type-name.js";
import { cancel, destroy } from "../redis/scripts/job-commands.js";
import type { OpsContext } from "./ops-context.js";
import { readJob, recordedType, runForJob } from "./read-job.js";

/**
 * Cancels one job by id, for tools that hold no job handle: a queued job ends cancelled at once, an
 * executing one when its attempt ends. A job that has already ended is a JobStateError.
 */
export async function cancelJob(ctx: OpsContext, id: string): Promise<JobSnapshot> {
  const op = "cancel";
  const reply = await runForJob(ctx, id, op, (type) => cancel(ctx.runner, type, id));
  if (reply.code === "unchanged") throw new JobStateError(op, id, reply.detail, "only a queued or executing job can be cancelled");
  return readJob(ctx, id, op);
}

/**
 * Deletes one job and every trace of it, whatever its status, a job whose record cannot be read
 * included (from the sets of its type when the record still names one, else of every type the
 * namespace knows); JobNotFoundError when there is none.
 */
export async function destroyJob(ctx: OpsContext, id: string): Promise<void> {
  const op = "destroy";
  const raw = await ctx.queries.readRecord(id, op);
  if (raw === null) throw new JobNotFoundError(op, id);
  const type = recordedType(raw);
  const types = type !== undefined && typeNameProblem(type) === undefined ? [type] : await ctx.queries.types(ctx.knownTypes);
  if (!(await destroy(ctx.runner, types, id))) throw new JobNotFoundError(op, id);
}
