import { CorruptJobRecordError } from "../errors.js";
import type { JobErrorInfo, JobStatus } from "../interfaces.js";
import { JOB_STATUSES } from "../interfaces.js";

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
  /** The W3C traceparent of the span that scheduled the job; absent when no tracer was active. */
  tp?: string;
  /** Its tracestate, when it had one. */
  ts?: string;
  /** Deferred since (status deferred: a pool did not know its identity h). */
  df?: number;
  /** The deadline of that deferral. */
  dl?: number;
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
