import type { ClaimedRecord } from "./claim.js";

/**
 * A pool's entry in idle:<T> (includes/handoff.lua): the lease a schedule gives the job it hands
 * over, the identities the pool knows for the type (knownIdentityList), and to whom. The lease
 * length is written as claim.lua receives it.
 */
export function idleMember(leaseMs: number, known: string, poolId: string): string {
  return `${leaseMs}:${known}:${poolId}`;
}

/**
 * A job handed over, as popped from handoff:<T>: `<id length>:<id><record>`. Lua counts the id's
 * length in bytes; most ids are ASCII, where that is also their length here.
 */
export function parseHandoffEntry(entry: string): ClaimedRecord {
  const colon = entry.indexOf(":");
  const bytes = Number(entry.slice(0, colon));
  let id = entry.slice(colon + 1, colon + 1 + bytes);
  if (Buffer.byteLength(id) !== bytes) id = Buffer.from(entry.slice(colon + 1)).subarray(0, bytes).toString();
  return { id, raw: entry.slice(colon + 1 + id.length) };
}

/**
 * The BLPOPs a waiting pool keeps pending, and one more than the jobs handed over per type that may
 * wait unpopped (includes/handoff.lua, HANDOFFS_UNPOPPED): as many schedules reaching Redis together
 * all reach a waiting pool at once.
 */
export const HANDOFF_POPS = 4;

/** The jobs handed over per type that may wait unpopped, as includes/handoff.lua has it. */
export const HANDOFFS_UNPOPPED = HANDOFF_POPS - 1;
