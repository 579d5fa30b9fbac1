import type { ScriptRunner } from "../script-runner.js";

export interface DueStats {
  /** Redis's clock when it read them, ms. */
  readonly now: number;
  readonly byType: readonly {
    readonly delayed: number;
    readonly earliestDueAt: number | null;
    /** Of the throughput series, the last 60 minutes' (the current one included) summed. */
    readonly lastHour: { readonly finished: number; readonly failed: number };
  }[];
}

/**
 * dueStats.lua: per type, the jobs delayed, the run-at of the due job waiting longest and the last
 * hour's throughput.
 */
export async function dueStats(runner: ScriptRunner, types: readonly string[]): Promise<DueStats> {
  const reply = (await runner.run("dueStats", "stats", types, [])) as number[];
  const byType = types.map((_, i) => {
    const at = Number(reply[2 + 4 * i]);
    const lastHour = { finished: Number(reply[3 + 4 * i]), failed: Number(reply[4 + 4 * i]) };
    return { delayed: Number(reply[1 + 4 * i]), earliestDueAt: at < 0 ? null : at, lastHour };
  });
  return { now: Number(reply[0]), byType };
}
