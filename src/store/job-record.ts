import { CorruptJobRecordError } from "../errors.js";
import type { JobErrorInfo, JobSnapshot, JobStatus } from "../interfaces.js";
import { JOB_STATUSES } from "../interfaces.js";
import type { Recurrence } from "../options/recurrence.js";

/**
 * A stored job is one field of the namespace's jobs hash: "<header JSON>\n<payload JSON>". The Lua
 * scripts decode only the small header; the payload passes through Redis untouched. Field names are
 * short because they are repeated in every job (see includes/record.lua for the list).
 */
export interface RecordHeader {
  at: number;
  t: string;
  /** Left out of a stored record while queued (see encodeRecordTail); always set once decoded. */
  s: JobStatus;
  pr?: number;
  r?: number;
  f?: number;
  a?: number;
  rc?: number;
  c?: number;
  st?: number;
  ft?: number;
  w?: string;
  e?: JobErrorInfo;
  cx?: boolean;
  ev?: number;
  cr?: string;
  tz?: string;
  bo?: string;
  to?: number;
  /** The slot of a recurring run being retried (its run-at moved by the retry). */
  sl?: number;
  h?: string;
}

/**
 * The header a schedule writes. The schedule script prepends run-at, and the creation time when the
 * job does not run at once, from Redis's clock; a stored record leaves out the defaults (status
 * queued, created = run-at), since a waiting job's record is most of the memory it takes.
 */
export type NewRecordHeader = Omit<RecordHeader, "at" | "s" | "c">;

/** The record as the schedule script takes it: everything after `{"at":<ms>,`. */
export function encodeRecordTail(header: NewRecordHeader, payloadJson: string): string {
  return `${JSON.stringify(header).slice(1)}\n${payloadJson}`;
}

export interface DecodedRecord {
  readonly header: RecordHeader;
  readonly payloadJson: string;
}

export function decodeRecord(id: string, raw: string, op: string): DecodedRecord {
  const newline = raw.indexOf("\n");
  if (newline < 0) throw new CorruptJobRecordError(op, id, "the record has no header line");
  let header: unknown;
  try {
    header = JSON.parse(raw.slice(0, newline));
  } catch {
    throw new CorruptJobRecordError(op, id, "the record header is not JSON");
  }
  if (typeof header === "object" && header !== null && !("s" in header)) (header as { s: JobStatus }).s = "queued";
  if (!isHeader(header)) throw new CorruptJobRecordError(op, id, "the record header lacks a type, status or run-at");
  return { header, payloadJson: raw.slice(newline + 1) };
}

function isHeader(value: unknown): value is RecordHeader {
  if (typeof value !== "object" || value === null) return false;
  const h = value as Partial<RecordHeader>;
  return typeof h.t === "string" && typeof h.at === "number" && JOB_STATUSES.includes(h.s as JobStatus);
}

/**
 * Parses a payload and drops every `__proto__` key, so no later merge by a handler can reach a
 * prototype. Without a reviver, so a deeply nested payload does not exhaust the stack (a reviver
 * recurses once per level); the walk that drops the keys runs only when the text could hold one
 * (the name itself, or any \u escape that could spell it) and uses its own stack.
 */
export function parsePayload(payloadJson: string): unknown {
  const value: unknown = JSON.parse(payloadJson);
  if (payloadJson.includes("__proto__") || payloadJson.includes("\\u")) dropProtoKeys(value);
  return value;
}

function dropProtoKeys(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null) continue;
    if (Object.hasOwn(value, "__proto__")) delete (value as Record<string, unknown>)["__proto__"];
    for (const child of Object.values(value)) if (typeof child === "object" && child !== null) pending.push(child);
  }
}

export function toSnapshot<P>(id: string, { header, payloadJson }: DecodedRecord, payload?: P): JobSnapshot<P> {
  const retries = header.r ?? 0;
  const startedAt = header.st === undefined ? undefined : new Date(header.st);
  const finishedAt = header.ft === undefined ? undefined : new Date(header.ft);
  return {
    id,
    type: header.t,
    status: header.s,
    // A plain data property: an accessor here would put every Object.assign of a snapshot (a Job
    // handle per scheduled job) on V8's slow path, measured at twice the CPU of a bulk schedule.
    payload: payload === undefined ? (safeParse(payloadJson) as P) : payload,
    priority: header.pr ?? 0,
    runAt: new Date(header.at),
    createdAt: new Date(header.c ?? header.at),
    attempts: header.a ?? 0,
    retries,
    retriesLeft: Math.max(0, retries - (header.f ?? 0)),
    startedAt,
    finishedAt,
    durationMs: startedAt && finishedAt && header.ft! >= header.st! ? header.ft! - header.st! : undefined,
    error: header.e,
    recurrence: recurrenceOf(header),
    schemaHash: header.h,
    poolId: header.w,
    cancelRequested: header.cx === true,
  };
}

function safeParse(payloadJson: string): unknown {
  try {
    return parsePayload(payloadJson);
  } catch {
    return payloadJson;
  }
}

function recurrenceOf(header: RecordHeader): Recurrence | undefined {
  if (header.ev) return { every: header.ev };
  if (header.cr) return header.tz ? { cron: header.cr, timezone: header.tz } : { cron: header.cr };
  return undefined;
}
