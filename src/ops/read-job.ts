import { JobNotFoundError } from "../errors.js";
import type { JobSnapshot } from "../interfaces.js";
import { decodeRecord } from "../redis/record.js";
import type { JobCommandReply } from "../redis/scripts/job-commands.js";
import { toSnapshot } from "../store/job-record.js";
import type { OpsContext } from "./ops-context.js";

/** One job as it is now; JobNotFoundError when there is none, CorruptJobRecordError when it cannot be read. */
export async function readJob(ctx: OpsContext, id: string, op: string): Promise<JobSnapshot> {
  const raw = await ctx.queries.readRecord(id, op);
  if (raw === null) throw new JobNotFoundError(op, id);
  return toSnapshot(id, decodeRecord(id, raw, op));
}

/**
 * The type a record names, read without the rest of the checks decodeRecord makes, so a job whose
 * record is damaged can still be found in its type's sets and destroyed; undefined when it names none.
 */
export function recordedType(raw: string): string | undefined {
  const newline = raw.indexOf("\n");
  try {
    const header: unknown = JSON.parse(newline < 0 ? raw : raw.slice(0, newline));
    const type = typeof header === "object" && header !== null ? (header as { t?: unknown }).t : undefined;
    return typeof type === "string" ? type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a single-job script with the keys of the job's type, read from its record first; should the
 * record change type meanwhile (destroyed and scheduled again), once more with the type it names.
 */
export async function runForJob<C extends string>(ctx: OpsContext, id: string, op: string, run: (type: string) => Promise<JobCommandReply<C>>): Promise<JobCommandReply<C>> {
  const raw = await ctx.queries.readRecord(id, op);
  if (raw === null) throw new JobNotFoundError(op, id);
  let reply = await run(decodeRecord(id, raw, op).header.t);
  if (reply.code === "other-type") reply = await run(reply.detail);
  if (reply.code === "missing" || reply.code === "other-type") throw new JobNotFoundError(op, id);
  return reply;
}
