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
  /** The idle pool the job was handed to, leased and executing, if it was (scheduleOne.lua). */
  readonly handedTo?: string;
}

/**
 * The length of each job type's queue as one client last saw it, in the replies to its own schedule
 * calls. A job due now at priority 0 onto a queue seen long goes by scheduleOntoBusyQueue.lua, with two
 * keys instead of scheduleOne's nine (2.7 µs less per awaited call here: bench/RESULTS.md); onto one
 * seen short, or not seen, by scheduleOne.lua, which wakes an idle pool or hands it the job. A wrong
 * guess costs one round trip more and nothing else: finding the queue empty, the short script writes
 * nothing, and scheduleOne.lua follows.
 */
export type QueueLengths = Map<string, number>;

// A queue seen this long is rarely empty by this client's next call, about 80 µs later: a pool claims
// at most its batch (half its concurrency by default) per call. A miss clears the length seen, so
// there is at most one per time the queue fills to this length and empties: one round trip in 32
// jobs or more, at worst, against some 3 % saved on each.
const BUSY_QUEUE_LENGTH = 32;

/** scheduleOne for one entry (it may hand the job to an idle pool), else schedule.lua: all entries in one atomic call. */
export async function schedule(runner: ScriptRunner, entries: readonly ScheduleEntry[], queueLengths: QueueLengths = new Map()): Promise<ScheduleResult[]> {
  if (entries.length === 1) return [await scheduleOne(runner, entries[0]!, queueLengths)];
  const types = typesOf(entries);
  const args: (string | number)[] = [entries.length];
  for (const e of entries) {
    args.push(e.id, types.indexOf(e.type) + 1, e.runAt ?? "", e.delayMs, e.priority, e.recordTail);
  }
  const flags = String(await runner.run("schedule", "redis.schedule", types, args));
  return entries.map((e, i) => ({ id: e.id, created: flags[i] === "1" }));
}

/**
 * One job: by scheduleOntoBusyQueue.lua when it is due now at priority 0 and its queue was seen
 * long, else by scheduleOne.lua. Without async: each awaited layer is a promise and a tick more on
 * every awaited schedule.
 */
export function scheduleOne(runner: ScriptRunner, e: ScheduleEntry, queueLengths: QueueLengths): Promise<ScheduleResult> {
  // A job due now at priority 0 goes without its timing arguments: each costs Redis time to read.
  if (e.runAt !== undefined || e.delayMs !== 0 || e.priority !== 0) return runScheduleOne(runner, e, [e.id, e.recordTail, e.runAt ?? "", e.delayMs, e.priority], queueLengths);
  const args = [e.id, e.recordTail];
  if ((queueLengths.get(e.type) ?? 0) < BUSY_QUEUE_LENGTH) return runScheduleOne(runner, e, args, queueLengths);
  return runner.run("scheduleOntoBusyQueue", "redis.schedule", [e.type], args).then((reply) => {
    const length = reply as number;
    if (length === -1) {
      queueLengths.delete(e.type);
      return runScheduleOne(runner, e, args, queueLengths);
    }
    if (length > 0) queueLengths.set(e.type, length);
    return { id: e.id, created: length > 0 };
  });
}

function runScheduleOne(runner: ScriptRunner, e: ScheduleEntry, args: (string | number)[], queueLengths: QueueLengths): Promise<ScheduleResult> {
  return runner.run("scheduleOne", "redis.schedule", [e.type], args).then((reply) => {
    // A number: created and pushed onto a queue that already held jobs, this long after the push.
    if (typeof reply === "number") {
      queueLengths.set(e.type, reply);
      return { id: e.id, created: true };
    }
    const text = String(reply);
    if (text[0] === "2") return { id: e.id, created: true, handedTo: text.slice(1) };
    return { id: e.id, created: text === "1" };
  });
}
