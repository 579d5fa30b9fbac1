import { InvalidOptionError } from "../errors.js";
import { toMilliseconds, type Duration } from "./duration.js";

/**
 * How long a failed job waits before its retry. The default is exponential with jitter (base 1s,
 * cap 1h; each delay drawn from the upper half of its step), so a burst of failures does not come
 * back as a burst of retries.
 */
export type BackoffOption =
  | "none"
  | "exponential"
  | { type: "exponential"; base?: Duration; max?: Duration; jitter?: boolean }
  | { type: "fixed"; delay: Duration };

/** The compact form stored in a job record: "n", "f:<ms>", "e:<base>:<max>:<jitter 0|1>". */
export type BackoffCode = string;

export const DEFAULT_BACKOFF: BackoffCode = "e:1000:3600000:1";

export function encodeBackoff(option: BackoffOption | undefined, op: string): BackoffCode {
  if (option === undefined || option === "exponential") return DEFAULT_BACKOFF;
  if (option === "none") return "n";
  if (typeof option === "object" && option !== null) {
    if (option.type === "fixed") return `f:${toMilliseconds(option.delay, "backoff.delay", op)}`;
    if (option.type === "exponential") {
      const base = option.base === undefined ? 1000 : toMilliseconds(option.base, "backoff.base", op);
      const max = option.max === undefined ? 3_600_000 : toMilliseconds(option.max, "backoff.max", op);
      return `e:${base}:${max}:${option.jitter === false ? 0 : 1}`;
    }
  }
  throw new InvalidOptionError(op, "backoff", `must be "none", "exponential", {type:"exponential",...} or {type:"fixed",delay}; got ${JSON.stringify(option)}`);
}

/**
 * The delay before retry number `failures` (1 for the first retry). A code this version cannot read
 * (written by hand, or by a newer producer) gets the default backoff: a NaN delay would make the
 * settle script refuse the pool's whole batch, again and again.
 */
export function backoffDelay(code: BackoffCode | undefined, failures: number, random: () => number = Math.random): number {
  const delay = delayOf(code ?? DEFAULT_BACKOFF, failures, random);
  return Number.isFinite(delay) && delay >= 0 ? delay : delayOf(DEFAULT_BACKOFF, failures, random);
}

function delayOf(code: BackoffCode, failures: number, random: () => number): number {
  const [kind, a, b, jitter] = String(code).split(":");
  if (kind === "n") return 0;
  if (kind === "f") return Number(a);
  const cap = Math.min(Number(b), Number(a) * 2 ** Math.min(failures - 1, 40));
  return jitter === "1" ? Math.round(cap / 2 + random() * (cap / 2)) : cap;
}
