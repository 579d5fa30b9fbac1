import { assertTypeName } from "../options/type-name.js";
import { pauseType, resumeType } from "../redis/scripts/pause.js";
import type { OpsContext } from "./ops-context.js";

/**
 * Pauses a type in Redis (it survives restarts): no pool claims its jobs, and none is handed one,
 * until resume. Scheduling goes on, and attempts already running finish.
 */
export async function pause(ctx: OpsContext, type: string): Promise<void> {
  assertTypeName(type, "pause");
  await pauseType(ctx.runner, type);
}

/** Resumes a type; an idle pool of it is woken at once when its jobs wait. */
export async function resume(ctx: OpsContext, type: string): Promise<void> {
  assertTypeName(type, "resume");
  await resumeType(ctx.runner, type);
}

export function pausedTypes(ctx: OpsContext): Promise<string[]> {
  return ctx.queries.pausedTypes();
}
