import { decodeRecord } from "../redis/record.js";
import { swapRecords, type RecordSwap } from "../redis/scripts/rewrite-payloads.js";
import type { OpsContext } from "./ops-context.js";
import type { PayloadRewrite, RewriteOutcome } from "./runnable-jobs.js";

/** Jobs per script call: each call stays short, however large the payloads. */
const SWAPS_PER_CALL = 200;

/**
 * Gives queued jobs a new identity, and a new payload when one is given, each only while its record
 * is still the revision read (rewritePayloads.lua); anything else, or a revision that is not a queued
 * job's, is skipped. The header keeps every other field as written.
 */
export async function rewritePayloads(ctx: OpsContext, rewrites: readonly PayloadRewrite[]): Promise<RewriteOutcome[]> {
  const outcomes: RewriteOutcome[] = rewrites.map(() => "skipped");
  const swaps: { swap: RecordSwap; index: number }[] = [];
  rewrites.forEach((rewrite, index) => {
    const replacement = replacementOf(rewrite);
    if (replacement !== undefined) swaps.push({ swap: { id: rewrite.id, expected: rewrite.revision, replacement }, index });
  });
  for (let i = 0; i < swaps.length; i += SWAPS_PER_CALL) {
    const chunk = swaps.slice(i, i + SWAPS_PER_CALL);
    const done = await swapRecords(ctx.runner, chunk.map((c) => c.swap), "rewritePayloads");
    chunk.forEach((c, k) => {
      if (done[k]) outcomes[c.index] = "rewritten";
    });
  }
  return outcomes;
}

/** The record with the new identity (and payload); undefined when the revision is no queued job's record. */
function replacementOf(rewrite: PayloadRewrite): string | undefined {
  let record;
  try {
    record = decodeRecord(rewrite.id, rewrite.revision, "rewritePayloads");
  } catch {
    return undefined;
  }
  if (record.header.s !== "queued") return undefined;
  const newline = rewrite.revision.indexOf("\n");
  // The header as stored (a queued record leaves its status out), with only the identity changed.
  const header = JSON.parse(rewrite.revision.slice(0, newline)) as Record<string, unknown>;
  header.h = rewrite.schemaHash;
  return `${JSON.stringify(header)}\n${rewrite.payloadJson ?? record.payloadJson}`;
}
