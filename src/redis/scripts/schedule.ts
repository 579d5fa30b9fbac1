import type { NewRecordHeader } from "../../store/job-record.js";
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
  /** The idle pool the job was handed to, leased and executing, if it was (schedule.lua). */
  readonly handedTo?: string;
}

/** schedule.lua: writes all entries in one atomic call. */
export async function schedule(runner: ScriptRunner, entries: readonly ScheduleEntry[]): Promise<ScheduleResult[]> {
  const types = typesOf(entries);
  const args: (string | number)[] = [entries.length];
  for (const e of entries) {
    args.push(e.id, types.indexOf(e.type) + 1, e.runAt ?? "", e.delayMs, e.priority, e.recordTail);
  }
  const flags = String(await runner.run("schedule", "redis.schedule", types, args));
  if (flags[0] === "2") return [{ id: entries[0]!.id, created: true, handedTo: flags.slice(1) }];
  return entries.map((e, i) => ({ id: e.id, created: flags[i] === "1" }));
}
