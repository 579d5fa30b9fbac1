import type { ScriptRunner } from "../script-runner.js";

/**
 * pruneRecurring.lua: drops from the recurring index those of `ids` whose job is gone or no longer
 * recurring, checked again in the script so a job made recurring since the caller looked is kept.
 */
export async function pruneRecurring(runner: ScriptRunner, ids: readonly string[], op: string): Promise<number> {
  if (ids.length === 0) return 0;
  return Number(await runner.run("pruneRecurring", op, [], ids));
}
