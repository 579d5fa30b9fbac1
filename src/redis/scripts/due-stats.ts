import type { ScriptRunner } from "../script-runner.js";

export interface DueStats {
  /** Redis's clock when it read them, ms. */
  readonly now: number;
  readonly byType: readonly { readonly delayed: number; readonly earliestDueAt: number | null }[];
}

/** dueStats.lua: per type, the jobs delayed and the run-at of the due job waiting longest. */
export async function dueStats(runner: ScriptRunner, types: readonly string[]): Promise<DueStats> {
  const reply = (await runner.run("dueStats", "stats", types, [])) as number[];
  const byType = types.map((_, i) => {
    const at = Number(reply[2 + 2 * i]);
    return { delayed: Number(reply[1 + 2 * i]), earliestDueAt: at < 0 ? null : at };
  });
  return { now: Number(reply[0]), byType };
}
