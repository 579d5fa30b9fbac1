import type { ScriptRunner } from "../script-runner.js";

/** One compare-and-set of rewritePayloads.lua: the record as read, and the one to write. */
export interface RecordSwap {
  readonly id: string;
  readonly expected: string;
  readonly replacement: string;
}

/** rewritePayloads.lua: per swap, whether the record was still `expected` and is now `replacement`. */
export async function swapRecords(runner: ScriptRunner, swaps: readonly RecordSwap[], op: string): Promise<boolean[]> {
  if (swaps.length === 0) return [];
  const reply = (await runner.run("rewritePayloads", op, [], swaps.flatMap((s) => [s.id, s.expected, s.replacement]))) as number[];
  return reply.map((done) => Number(done) === 1);
}
