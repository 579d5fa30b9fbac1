import { randomFillSync } from "node:crypto";
import type { JobType } from "../contract/job-type.js";
import { InvalidOptionError, PayloadTooLargeError, PayloadValidationError, type ValidationIssue } from "../errors.js";
import type { ScheduleOptions } from "../interfaces.js";
import { DEFAULT_BACKOFF, encodeBackoff } from "../options/backoff.js";
import { toMilliseconds } from "../options/duration.js";
import { checkPriority, checkRetries } from "../options/priority-retries.js";
import { timeoutMs } from "../options/timeout.js";
import type { RecurrenceFields } from "../options/recurrence.js";
import type { ScheduleEntry } from "../redis/scripts/schedule.js";
import { encodeRecordTail, type NewRecordHeader } from "../redis/record.js";
import type { StoredTraceContext } from "../tracing/trace-context.js";

const MAX_ID_LENGTH = 200;

/**
 * Writers are closed: the type's checkToWrite when it has one (a generated module's always does),
 * so a key the schema does not declare is refused at schedule time, whether one payload or many.
 */
function writeCheck(jobType: JobType<unknown>): { check: (value: unknown) => boolean; errors: (value: unknown) => ValidationIssue[] } {
  if (!jobType.checkToWrite) return { check: jobType.check, errors: jobType.errors };
  return { check: jobType.checkToWrite, errors: jobType.errorsToWrite ?? jobType.errors };
}

/** Checked first, before any option: a payload that fails its schema is the error a caller sees. */
export function checkPayload(op: string, jobType: JobType<unknown>, payload: unknown): void {
  const { check, errors } = writeCheck(jobType);
  if (!check(payload)) throw new PayloadValidationError(op, jobType.name, errors(payload));
}

/**
 * Checks every payload of a bulk call; the failures of all of them in one error, each path under
 * its element's index (`/3/emailAddress`), so the caller knows which to fix.
 */
export function checkPayloads(op: string, jobType: JobType<unknown>, payloads: readonly unknown[]): void {
  const { check, errors } = writeCheck(jobType);
  let issues: ValidationIssue[] | undefined;
  for (let i = 0; i < payloads.length; i++) {
    if (check(payloads[i])) continue;
    issues ??= [];
    for (const issue of errors(payloads[i])) issues.push({ ...issue, path: `/${i}${issue.path}` });
  }
  if (issues) throw new PayloadValidationError(op, jobType.name, issues);
}

/** What a schedule call writes, for a payload that passed checkPayload; each option is checked here. */
export function scheduleEntry(
  op: string,
  jobType: JobType<unknown>,
  payload: unknown,
  options: ScheduleOptions,
  maxPayloadBytes: number,
  recurrence?: RecurrenceFields,
  traceContext?: StoredTraceContext,
): ScheduleEntry {
  const payloadJson = encodePayload(op, jobType.name, payload);
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most payloads need no count.
  if (payloadJson.length * 3 > maxPayloadBytes) {
    const bytes = Buffer.byteLength(payloadJson);
    if (bytes > maxPayloadBytes) throw new PayloadTooLargeError(op, jobType.name, bytes, maxPayloadBytes);
  }
  const plain = options.priority === undefined && options.retries === undefined && options.backoff === undefined && options.timeout === undefined && recurrence === undefined && traceContext === undefined;
  const { priority, header, tailPrefix } = plain ? typeDefaults(jobType, op) : recordHeader(op, jobType, options, recurrence, traceContext);
  return {
    id: options.id === undefined ? newJobId() : checkId(options.id, op),
    type: jobType.name,
    runAt: runAtOf(options, op),
    delayMs: options.delay === undefined ? 0 : toMilliseconds(options.delay, "delay", op),
    priority,
    header,
    recordTail: tailPrefix + payloadJson,
  };
}

interface RecordHeading {
  readonly priority: number;
  readonly header: NewRecordHeader;
  /** The record tail up to the payload (encodeRecordTail). */
  readonly tailPrefix: string;
}

/** The job's header from its type's defaults and the call's options, each checked. */
function recordHeader(op: string, jobType: JobType<unknown>, options: ScheduleOptions, recurrence?: RecurrenceFields, traceContext?: StoredTraceContext): RecordHeading {
  const priority = checkPriority(options.priority ?? jobType.priority ?? 0, op);
  const retries = checkRetries(options.retries ?? jobType.retries ?? 0, op);
  const backoff = encodeBackoff(options.backoff ?? jobType.backoff, op);
  const timeout = options.timeout ?? jobType.timeout;
  const header: NewRecordHeader = { t: jobType.name, h: jobType.schemaHash };
  if (priority !== 0) header.pr = priority;
  if (retries !== 0) header.r = retries;
  if (backoff !== DEFAULT_BACKOFF) header.bo = backoff;
  if (timeout !== undefined) header.to = timeoutMs(timeout, op) || undefined;
  Object.assign(header, recurrence, traceContext);
  return { priority, header: Object.freeze(header), tailPrefix: encodeRecordTail(header, "") };
}

// Most calls pass none of the options a header holds: their header is the type's, made once, and
// made again if the type's defaults were changed since (a job type is a plain object).
type TypeDefaults = Pick<JobType<unknown>, "name" | "schemaHash" | "priority" | "retries" | "backoff" | "timeout">;
const defaultHeadings = new WeakMap<JobType<unknown>, { readonly from: TypeDefaults; readonly heading: RecordHeading }>();

function typeDefaults(jobType: JobType<unknown>, op: string): RecordHeading {
  const cached = defaultHeadings.get(jobType);
  if (cached && sameDefaults(cached.from, jobType)) return cached.heading;
  const heading = recordHeader(op, jobType, {});
  const { name, schemaHash, priority, retries, backoff, timeout } = jobType;
  defaultHeadings.set(jobType, { from: { name, schemaHash, priority, retries, backoff, timeout }, heading });
  return heading;
}

function sameDefaults(a: TypeDefaults, b: TypeDefaults): boolean {
  return a.name === b.name && a.schemaHash === b.schemaHash && a.priority === b.priority && a.retries === b.retries && a.backoff === b.backoff && a.timeout === b.timeout;
}

/** The payload as JSON; a value JSON cannot hold (undefined, a function, a BigInt) is a validation error, not a crash. */
function encodePayload(op: string, jobType: string, payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new PayloadValidationError(op, jobType, [{ path: "", message: `cannot be encoded as JSON: ${(error as Error).message}` }]);
  }
  if (json === undefined) throw new PayloadValidationError(op, jobType, [{ path: "", message: `cannot be encoded as JSON (${typeof payload})` }]);
  return json;
}

/** Time-ordered and random: unique across machines, and a resent schedule call reuses the same id. */
export function newJobId(): string {
  return timePart() + randomId();
}

// Cached: Number#toString(36) is not free, and the time part changes once a millisecond however many ids are made in it.
let lastMs = -1;
let lastTimePart = "";

function timePart(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTimePart = now.toString(36);
  }
  return lastTimePart;
}

// Random bytes are drawn from the CSPRNG in blocks and kept as text, 6 bytes (8 characters) per id:
// one system call and one encoding per 1024 ids, and an id's random part is a slice of that text.
const ID_RANDOM_CHARS = 8;
const randomBlock = Buffer.alloc((ID_RANDOM_CHARS / 4) * 3 * 1024);
let randomText = "";
let randomOffset = 0;

function randomId(): string {
  if (randomOffset === randomText.length) {
    randomText = randomFillSync(randomBlock).toString("base64url");
    randomOffset = 0;
  }
  const id = randomText.slice(randomOffset, randomOffset + ID_RANDOM_CHARS);
  randomOffset += ID_RANDOM_CHARS;
  return id;
}

function runAtOf(options: ScheduleOptions, op: string): number | undefined {
  if (options.runAt === undefined) return undefined;
  const ms = options.runAt instanceof Date ? options.runAt.getTime() : options.runAt;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw new InvalidOptionError(op, "runAt", `must be a Date or epoch milliseconds, got ${String(options.runAt)}`);
  return Math.round(ms);
}

// A lone UTF-16 surrogate: Redis stores ids as UTF-8, where it becomes U+FFFD, so "\uD800" and
// "\uD801" would be one job and the id read back would differ from the one given.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkId(id: string, op: string): string {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new InvalidOptionError(op, "id", `must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  if (LONE_SURROGATE.test(id)) throw new InvalidOptionError(op, "id", "must be well-formed Unicode (it has a lone surrogate)");
  return id;
}
