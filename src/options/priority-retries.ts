import { InvalidOptionError } from "../errors.js";

/** Higher runs first. The ready score gives priority 11 bits, so the range is that of an 11-bit integer. */
export const PRIORITY_MIN = -1024;
export const PRIORITY_MAX = 1023;
export const RETRIES_MAX = 1000;

/** A job's priority, from its type's definition or a schedule call; anything else is an InvalidOptionError. */
export function checkPriority(priority: unknown, op: string): number {
  if (!Number.isInteger(priority) || (priority as number) < PRIORITY_MIN || (priority as number) > PRIORITY_MAX) {
    throw new InvalidOptionError(op, "priority", `must be an integer from ${PRIORITY_MIN} to ${PRIORITY_MAX}, got ${shown(priority)}`);
  }
  return priority as number;
}

/** Retries after the first failed attempt, from the type's definition or a schedule call. */
export function checkRetries(retries: unknown, op: string): number {
  if (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > RETRIES_MAX) {
    throw new InvalidOptionError(op, "retries", `must be an integer from 0 to ${RETRIES_MAX}, got ${shown(retries)}`);
  }
  return retries as number;
}

// Strings quoted, so "3" and 3 read differently in a message.
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
