/**
 * How the ready zsets order due jobs: priority (higher first), then run-at (earlier first), in one
 * exact double: 11 bits of priority above 42 bits of milliseconds since TIME_BASE_MS (139 years).
 * The one place these numbers are written: the Lua build step (codegen/lua/embed-lua.ts) gives every
 * script that includes `score` the constants of SCORE_LAYOUT as locals of the same names, and the
 * TypeScript side imports them from here.
 */

import { PRIORITY_MAX, PRIORITY_MIN } from "../options/priority-retries.js";

// The bounds are a contract rule (options/), checked by jobs-gen too; PRIORITY_MAX - priority fits
// the score's 11 high bits.
export { PRIORITY_MAX, PRIORITY_MIN };
/** Run-at ms are counted from here (2025-01-01 UTC); earlier ones rank as this. */
export const TIME_BASE_MS = Date.UTC(2025, 0, 1);
/** Run-at ms take the score's 42 low bits; later ones rank as the last of them. */
export const TIME_SPAN_MS = 2 ** 42;
/**
 * The score of priority 0 at the time base: every job with a priority above 0 scores below it. Jobs
 * of priority 0 wait in the queue list instead of the zset, and rank here among the others.
 */
export const QUEUE_BAND = PRIORITY_MAX * TIME_SPAN_MS;

/** The constants the Lua scripts are given, by name (their values are exact integers). */
export const SCORE_LAYOUT = { PRIORITY_MIN, PRIORITY_MAX, TIME_BASE_MS, TIME_SPAN_MS, QUEUE_BAND } as const;

/** A run-at as the score's low bits: ms since TIME_BASE_MS, clamped into the 42 bits. */
export function sinceTimeBase(at: number): number {
  return Math.min(Math.max(at - TIME_BASE_MS, 0), TIME_SPAN_MS - 1);
}

/** The ready score of a job due at `at` with this priority (includes/queues.lua's readyScore). */
export function readyScore(at: number, priority: number): number {
  return (PRIORITY_MAX - priority) * TIME_SPAN_MS + sinceTimeBase(at);
}
