import { InvalidOptionError } from "../errors.js";
import { toMilliseconds, type Duration } from "./duration.js";

/**
 * The longest timeout a pool can honour: Node's timers hold a signed 32-bit delay and fire after 1 ms
 * when given more, which would time every attempt out at once (about 24.8 days).
 */
export const TIMEOUT_MAX_MS = 2_147_483_647;

/** An attempt's timeout in whole milliseconds (0: none), from the type's definition or a schedule call. */
export function timeoutMs(timeout: Duration, op: string): number {
  const ms = toMilliseconds(timeout, "timeout", op);
  if (ms > TIMEOUT_MAX_MS) throw new InvalidOptionError(op, "timeout", `must be at most ${TIMEOUT_MAX_MS} ms (about 24.8 days), got ${JSON.stringify(timeout)}`);
  return ms;
}
