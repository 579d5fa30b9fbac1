import type { ScriptRunner } from "../script-runner.js";

export interface TrimArgs {
  readonly types: readonly string[];
  readonly limit: number;
  readonly finishedCount: number;
  readonly finishedAgeMs: number;
  readonly failedCount: number;
  readonly failedAgeMs: number;
}

/** trimRetained.lua: deletes terminal jobs past retention; returns how many. */
export async function trimRetained(runner: ScriptRunner, a: TrimArgs): Promise<number> {
  return Number(await runner.run("trimRetained", "redis.trimRetained", a.types, [a.limit, a.finishedCount, a.finishedAgeMs, a.failedCount, a.failedAgeMs]));
}
