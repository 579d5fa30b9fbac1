import type { ParsedPayload } from "../contract/admit-payload.js";
import type { JobSnapshot } from "../interfaces.js";
import type { Recurrence } from "../options/recurrence.js";
import type { DecodedRecord, RecordHeader } from "../redis/record.js";

// A stored job as a user sees it: its payload, parsed with care, and its snapshot. The record's
// format itself is redis/record.ts, beside the Lua that reads and writes it.

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

/** A record's payload parsed as a pool parses it, or why it cannot be: one parse for every reader of it. */
export function parsedPayload(payloadJson: string): ParsedPayload {
  try {
    return { value: parsePayload(payloadJson) };
  } catch (error) {
    return { error };
  }
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
    // handle per scheduled job) on V8's slow path.
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
    deferred: header.s === "deferred" && header.h !== undefined ? { identity: header.h, since: new Date(header.df ?? header.at), deadline: new Date(header.dl ?? header.at) } : undefined,
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
