import type { ScriptRunner } from "../script-runner.js";

/** A single-job script's reply: what happened, and the job's status (or its real type, for 'other-type'). */
export interface JobCommandReply<C extends string> {
  readonly code: C | "missing" | "other-type";
  readonly detail: string;
}

/** cancel.lua for a job of a known type. */
export async function cancel(runner: ScriptRunner, type: string, id: string): Promise<JobCommandReply<"cancelled" | "requested" | "unchanged">> {
  const [code, detail] = (await runner.run("cancel", "redis.cancel", [type], [id])) as [string, string];
  return { code: code as JobCommandReply<"cancelled">["code"], detail };
}

/** destroy.lua: true when a job was deleted; its entries go from the sets of every type given. */
export async function destroy(runner: ScriptRunner, types: string | readonly string[], id: string): Promise<boolean> {
  return (await runner.run("destroy", "redis.destroy", typeof types === "string" ? [types] : [...types], [id])) === 1;
}

export interface RescheduleArgs {
  readonly runAt: number | undefined;
  readonly delayMs: number;
  /** undefined keeps the recurrence; {} makes the job one-off. */
  readonly recurrence: { ev?: number; cr?: string; tz?: string } | undefined;
}

/** reschedule.lua for a job of a known type. */
export async function reschedule(runner: ScriptRunner, type: string, id: string, a: RescheduleArgs): Promise<JobCommandReply<"queued" | "executing" | "corrupt">> {
  const recurrence = a.recurrence === undefined ? "" : JSON.stringify(a.recurrence);
  const [code, detail] = (await runner.run("reschedule", "redis.reschedule", [type], [id, a.runAt ?? "", a.delayMs, recurrence])) as [string, string];
  return { code: code as "queued", detail };
}
