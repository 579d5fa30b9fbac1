import type { ScriptRunner } from "../script-runner.js";
import { typesOf, type AttemptRef } from "./attempt-ref.js";

/** release.lua: hands attempts back to the queue without counting them as failures. */
export async function release(runner: ScriptRunner, attempts: readonly AttemptRef[]): Promise<("released" | "stale" | "gone")[]> {
  if (attempts.length === 0) return [];
  const types = typesOf(attempts);
  const args: (string | number)[] = [attempts.length];
  for (const a of attempts) args.push(a.id, a.attempt, types.indexOf(a.type) + 1);
  return (await runner.run("release", "redis.release", types, args)) as ("released" | "stale" | "gone")[];
}
