import type { ScriptRunner } from "../script-runner.js";

export interface PromoteArgs {
  readonly types: readonly string[];
  /** The most jobs to promote per type in this call. */
  readonly limit: number;
}

export interface PromoteResult {
  /** A type had more due jobs than the limit: call again at once. */
  readonly more: boolean;
  /** Redis's clock when the script ran, ms. */
  readonly now: number;
  /** The earliest run-at still scheduled among the types (Redis clock), if any. */
  readonly nextDueAt: number | undefined;
}

/** promote.lua: moves the due scheduled jobs of these types into their ready queues and wakes a pool for them. */
export async function promote(runner: ScriptRunner, a: PromoteArgs): Promise<PromoteResult> {
  const [more, now, next] = (await runner.run("promote", "redis.promote", a.types, [a.limit])) as [string, number, string];
  return { more: more === "1", now: Number(now), nextDueAt: next ? Number(next) : undefined };
}
