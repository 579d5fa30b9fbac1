import type { JobType } from "../contract/job-type.js";
import { admitPayload, type ParsedPayload } from "../contract/admit-payload.js";
import { CorruptJobRecordError, JobTimeoutError, PayloadValidationError } from "../errors.js";
import type { JobErrorInfo, JobSnapshot } from "../interfaces.js";
import { backoffDelay } from "../options/backoff.js";
import { nextRunAt, type RecurrenceFields } from "../options/recurrence.js";
import type { Settlement } from "../redis/scripts/settle.js";
import type { DecodedRecord } from "../redis/record.js";
import type { AttemptAbort } from "./attempt-abort.js";
import type { Handler, RunningJob } from "./pool-api.js";

const MAX_STACK = 4000;

export type { ParsedPayload };

export interface AttemptContext {
  readonly id: string;
  readonly record: DecodedRecord;
  readonly payload: ParsedPayload;
  /** The job as claimed, made on first use (the handler's `job`). */
  readonly snapshot: () => JobSnapshot;
  readonly jobType: JobType<unknown>;
  readonly handler: Handler<unknown>;
  readonly abort: AttemptAbort;
}

/** The result of one attempt, ready to settle, plus the error (if any) for the pool's events. */
export interface AttemptResult {
  readonly settlement: Settlement;
  readonly error: Error | undefined;
}

/**
 * Runs one claimed attempt: parses and validates the payload (a bad one is rejected, never retried),
 * runs the handler under the job's timeout, and turns any throw or rejection into a failed attempt.
 * Written with plain promises, not async functions: each async layer is a promise more per attempt.
 */
export function runAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  // As an async function would: whatever throws here rejects the attempt, never its caller.
  try {
    return startAttempt(ctx);
  } catch (error) {
    return Promise.reject(error);
  }
}

function startAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { header } = ctx.record;
  const payload = checkedPayload(ctx);
  if (payload instanceof PayloadValidationError) {
    const issues = payload.errors.map(({ path, message }) => ({ path, message }));
    return Promise.resolve({ settlement: settlementOf(ctx, "reject", { ...errorInfo(payload), issues }), error: payload });
  }
  // A recurrence this pool cannot read (hand-edited, or a cron dialect of another version) would leave
  // the job with no next slot after its run: refuse it before running, like any corrupt record.
  const unreadable = unreadableRecurrence(ctx.id, header);
  if (unreadable) return Promise.resolve({ settlement: settlementOf(ctx, "reject", errorInfo(unreadable)), error: unreadable });
  const timeoutMs = header.to;
  const timer = timeoutMs ? setTimeout(() => ctx.abort.abort(new JobTimeoutError("pool.run", ctx.id, timeoutMs)), timeoutMs) : undefined;
  let result: unknown;
  try {
    result = ctx.handler(payload.value, new RunningAttempt(ctx, payload.value));
  } catch (thrown) {
    clearTimeout(timer);
    return Promise.resolve(failed(ctx, thrown));
  }
  // A handler that returns nothing is done when it returns: no promise is made for it. What it returns
  // otherwise is raced against the attempt being aborted, so a handler that ignores its signal still
  // frees its slot.
  if (result === undefined) {
    clearTimeout(timer);
    return Promise.resolve(ended(ctx));
  }
  return ctx.abort.race(result).then(
    () => {
      clearTimeout(timer);
      return ended(ctx);
    },
    (thrown: unknown) => {
      clearTimeout(timer);
      return failed(ctx, thrown);
    },
  );
}

/**
 * The handler's RunningJob. A class, so `job` and `signal` are getters on its prototype: as getters of
 * an object literal they were two closures and two accessor pairs more per attempt.
 */
class RunningAttempt implements RunningJob<unknown> {
  readonly id: string;
  readonly type: string;
  readonly attempt: number;
  // A private field, so a handler that logs or spreads its job sees only the fields above.
  readonly #ctx: AttemptContext;

  constructor(ctx: AttemptContext, readonly payload: unknown) {
    this.#ctx = ctx;
    this.id = ctx.id;
    this.type = ctx.record.header.t;
    this.attempt = ctx.record.header.a ?? 0;
  }

  get job(): JobSnapshot {
    return this.#ctx.snapshot();
  }

  get signal(): AbortSignal {
    return this.#ctx.abort.signal;
  }
}

// A handler that settles as its signal aborts (it listened) still ends the way the abort says.
function ended(ctx: AttemptContext): AttemptResult {
  const abortedBy = ctx.abort.abortedBy;
  if (abortedBy) return failed(ctx, abortedBy);
  return { settlement: settlementOf(ctx, "ok", undefined, 0, next(ctx.record.header)), error: undefined };
}

function failed(ctx: AttemptContext, thrown: unknown): AttemptResult {
  const { header } = ctx.record;
  const error = isError(thrown) ? thrown : nonError(thrown);
  const failures = (header.f ?? 0) + 1;
  return { settlement: settlementOf(ctx, "error", errorInfo(error), backoffDelay(header.bo, failures), next(header)), error };
}

// Every field written out: a spread (`{ ...base, outcome }`) copies through V8's slow path, once per job.
function settlementOf(ctx: AttemptContext, outcome: Settlement["outcome"], error?: JobErrorInfo, retryDelayMs = 0, nextRunAt?: number): Settlement {
  const { header } = ctx.record;
  return { id: ctx.id, attempt: header.a ?? 0, type: header.t, outcome, error, retryDelayMs, nextRunAt };
}

function checkedPayload(ctx: AttemptContext): { value: unknown } | PayloadValidationError {
  return admitPayload(ctx.jobType, ctx.record.header.h, ctx.payload);
}

function unreadableRecurrence(id: string, header: DecodedRecord["header"]): CorruptJobRecordError | undefined {
  try {
    next(header);
    return undefined;
  } catch (error) {
    return new CorruptJobRecordError("pool.run", id, `its recurrence cannot be read: ${printable(error instanceof Error ? error.message : error)}`);
  }
}

function next(header: DecodedRecord["header"]): number | undefined {
  if (!header.ev && !header.cr) return undefined;
  const fields: RecurrenceFields = { ev: header.ev, cr: header.cr, tz: header.tz };
  // A retried run's run-at moved by its backoff; its slot (sl) keeps the interval aligned. A run
  // promoted ahead of its slot (promoteJob.lua) goes on from after that slot.
  return nextRunAt(fields, header.sl ?? header.at, Math.max(Date.now(), header.sl ?? 0));
}

// Whatever a handler throws must become a failed attempt. Reading it must not throw in turn: that
// would reject the attempt itself, so it never settles and the unhandled rejection ends the process.

function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false; // a Proxy whose getPrototypeOf trap throws
  }
}

function nonError(value: unknown): Error {
  const error = new Error(`handler threw a non-Error value: ${printable(value)}`);
  error.name = "NonErrorThrown";
  return error;
}

/** A thrown value as text, never throwing: a cyclic object with a null prototype has neither JSON nor String(). */
function printable(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // cyclic, a BigInt inside, or a toJSON that throws: fall through to String()
  }
  try {
    return String(value);
  } catch {
    return "(a value that cannot be printed)";
  }
}

/** One property of a thrown Error, or undefined when its getter throws. */
function field(error: Error, key: "name" | "message" | "stack"): unknown {
  try {
    return error[key];
  } catch {
    return undefined;
  }
}

export function errorInfo(error: Error): JobErrorInfo {
  const rawName = field(error, "name");
  const rawMessage = field(error, "message");
  const rawStack = field(error, "stack");
  const name = typeof rawName === "string" && rawName ? rawName : "Error";
  const message = typeof rawMessage === "string" ? rawMessage : printable(rawMessage);
  const stack = typeof rawStack === "string" ? rawStack.slice(0, MAX_STACK) : undefined;
  return stack ? { name, message, stack } : { name, message };
}
