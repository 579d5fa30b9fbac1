/**
 * The layout of a ready score, as includes/record.lua computes it (readyScore): priority above
 * milliseconds since the time base, in one exact double, so one ZSET orders by priority, then run-at.
 */
export { PRIORITY_MAX, PRIORITY_MIN } from "../options/priority-retries.js";
/** 2025-01-01: run-at times are counted from here, in 42 bits (139 years). */
export const TIME_BASE_MS = 1735689600000;
export const TIME_SPAN_MS = 2 ** 42;
