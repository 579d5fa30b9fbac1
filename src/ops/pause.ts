import { assertTypeName } from "../options/type-name.js";
import { pauseType, resumeType } from "../redis/scripts/pause.js";
import { assertKnownType } from "./known-type.js";
import type { OpsContext } from "./ops-context.js";

/**
 * Pauses a type in Redis (it survives restarts): no pool claims its jobs, and none is handed one,
 * until resume; a job handed to an idle pool and not yet popped is queued again at the front.
 * Scheduling goes on; attempts already leased (running, or claimed ahead and held) go on.
 */
export async function pause(ctx: OpsContext, type: string): Promise<void> {
  assertTypeName(type, "pause");
  await assertKnownType(ctx, type, "pause");
  await pauseType(ctx.runner, type);
}

/** Resumes a type; an idle pool of it is woken at once when its jobs wait. */
export async function resume(ctx: OpsContext, type: string): Promise<void> {
  assertTypeName(type, "resume");
  await assertKnownType(ctx, type, "resume");
  await resumeType(ctx.runner, type);
}

export function pausedTypes(ctx: OpsContext): Promise<string[]> {
  return ctx.queries.pausedTypes();
}
