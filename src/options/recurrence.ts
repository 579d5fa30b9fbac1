import { Cron } from "croner";
import { InvalidOptionError } from "../errors.js";
import { toMilliseconds, type Duration } from "./duration.js";

/** A recurring job runs every interval, or on a cron schedule (5 or 6 fields, optional time zone). */
export type Recurrence = { every: Duration; cron?: never; timezone?: never } | { cron: string; timezone?: string; every?: never };

/** The record's form: ev (interval ms) or cr + tz. */
export interface RecurrenceFields {
  ev?: number;
  cr?: string;
  tz?: string;
}

export function encodeRecurrence(recurrence: Recurrence, op: string): RecurrenceFields {
  // From plain JavaScript anything may arrive ("5m"): `in` is asked of objects only.
  if (recurrence && typeof recurrence === "object" && "every" in recurrence && recurrence.every !== undefined) {
    const ev = toMilliseconds(recurrence.every, "every", op);
    if (ev < 1) throw new InvalidOptionError(op, "every", "must be at least 1 ms");
    return { ev };
  }
  if (recurrence && typeof recurrence.cron === "string") {
    // croner accepts an unknown time zone and throws a TypeError only when it computes a run.
    if (recurrence.timezone !== undefined) checkTimezone(recurrence.timezone, op);
    let cron: Cron;
    try {
      cron = new Cron(recurrence.cron, { timezone: recurrence.timezone, paused: true });
    } catch (error) {
      throw new InvalidOptionError(op, "cron", `is not a valid cron expression (${JSON.stringify(recurrence.cron)}): ${(error as Error).message}`);
    }
    // "0 0 31 2 *" parses but never fires; as a first run-at of "none" it would run once, at once.
    if (cron.nextRun() === null) throw new InvalidOptionError(op, "cron", `never fires (${JSON.stringify(recurrence.cron)})`);
    return recurrence.timezone ? { cr: recurrence.cron, tz: recurrence.timezone } : { cr: recurrence.cron };
  }
  throw new InvalidOptionError(op, "recurrence", `must be { every } or { cron }, got ${JSON.stringify(recurrence)}`);
}

function checkTimezone(timezone: unknown, op: string): void {
  try {
    if (typeof timezone !== "string" || timezone === "") throw new RangeError("empty");
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new InvalidOptionError(op, "timezone", `must be an IANA time zone such as "Europe/Paris", got ${JSON.stringify(timezone)}`);
  }
}

/**
 * The first slot strictly after `now`. Interval slots stay aligned to the first run-at, so after
 * downtime a job runs once and moves to its next future slot instead of replaying every missed one.
 */
export function nextRunAt(fields: RecurrenceFields, previousRunAt: number, now: number): number | undefined {
  if (fields.ev) {
    const missed = Math.floor(Math.max(0, now - previousRunAt) / fields.ev) + 1;
    return previousRunAt + missed * fields.ev;
  }
  if (fields.cr) {
    const next = new Cron(fields.cr, { timezone: fields.tz, paused: true }).nextRun(new Date(now));
    return next ? next.getTime() : undefined;
  }
  return undefined;
}

/** The first run of a new recurring job when the caller gave no time: now for an interval, the next cron slot for cron. */
export function firstRunAt(fields: RecurrenceFields, now: number): number | undefined {
  if (fields.cr) return nextRunAt(fields, now, now);
  return undefined;
}
