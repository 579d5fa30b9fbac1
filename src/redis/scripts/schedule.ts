import type { NewRecordHeader } from "../record.js";
import type { ScriptRunner } from "../script-runner.js";
import { typesOf } from "./attempt-ref.js";

export interface ScheduleEntry {
  readonly id: string;
  readonly type: string;
  /** Absolute ms; when undefined the job runs `delayMs` after Redis's clock. */
  readonly runAt: number | undefined;
  readonly delayMs: number;
  readonly priority: number;
  /** The header the record tail encodes (without run-at), so the caller need not parse it back. */
  readonly header: NewRecordHeader;
  /** From encodeRecordTail. */
  readonly recordTail: string;
}

export interface ScheduleResult {
  readonly id: string;
  /** False when a job with this id already existed: nothing was written for it. */
  readonly created: boolean;
  /** Redis's time (ms) that a created job's run-at and creation time were taken from. */
  readonly nowMs?: number;
  /** The idle pool the job was handed to, leased and executing, if it was (scheduleOne.lua). */
  readonly handedTo?: string;
}

/** scheduleOne for one entry (it may hand the job to an idle pool), else schedule.lua: all entries in one atomic call. */
export async function schedule(runner: ScriptRunner, entries: readonly ScheduleEntry[]): Promise<ScheduleResult[]> {
  if (entries.length === 1) return [await scheduleOne(runner, entries[0]!)];
  const types = typesOf(entries);
  const args: (string | number)[] = [entries.length];
  for (const e of entries) {
    args.push(e.id, types.indexOf(e.type) + 1, e.runAt ?? "", e.delayMs, e.priority, e.recordTail);
  }
  const reply = String(await runner.run("schedule", "redis.schedule", types, args));
  const nowMs = Number(reply.slice(entries.length + 1));
  return entries.map((e, i) => ({ id: e.id, created: reply[i] === "1", nowMs }));
}

/** One job, by scheduleOne.lua. */
export async function scheduleOne(runner: ScriptRunner, e: ScheduleEntry): Promise<ScheduleResult> {
  // A job due now at priority 0, the commonest, goes without its timing arguments (scheduleOne.lua).
  const args = e.runAt !== undefined || e.delayMs !== 0 || e.priority !== 0 ? [e.id, e.recordTail, e.runAt ?? "", e.delayMs, e.priority] : [e.id, e.recordTail];
  const text = String(await runner.run("scheduleOne", "redis.schedule", [e.type], args));
  // '0', '1<ms>', or '2<ms>:<pool id>' (scheduleOne.lua).
  if (text === "0") return { id: e.id, created: false };
  if (text[0] === "2") {
    const colon = text.indexOf(":");
    return { id: e.id, created: true, nowMs: Number(text.slice(1, colon)), handedTo: text.slice(colon + 1) };
  }
  return { id: e.id, created: true, nowMs: Number(text.slice(1)) };
}
