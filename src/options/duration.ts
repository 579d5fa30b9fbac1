import { InvalidOptionError } from "../errors.js";

/** Milliseconds, or text such as "250ms", "5s", "5m", "1h30m", "2d". */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Parses a Duration to whole milliseconds; anything else is an InvalidOptionError naming the option. */
export function toMilliseconds(value: Duration, option: string, op: string): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new InvalidOptionError(op, option, `must be a non-negative number of ms, got ${value}`);
    return Math.round(value);
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidOptionError(op, option, `must be milliseconds or text like "5m" or "1h30m", got ${JSON.stringify(value)}`);
  }
  const text = value.trim();
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) {
      throw new InvalidOptionError(op, option, `must be milliseconds or text like "5m" or "1h30m", got ${JSON.stringify(value)}`);
    }
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return Math.round(total);
}
