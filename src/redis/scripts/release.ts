import type { ScriptRunner } from "../script-runner.js";
import { typesOf, type AttemptRef } from "./attempt-ref.js";

export interface Release extends AttemptRef {
  /** False for a job claimed but never started: its claim is undone, as if it had not been made. */
  readonly started: boolean;
}

/** release.lua: hands attempts back to the queue without counting them as failures. */
export async function release(runner: ScriptRunner, attempts: readonly Release[]): Promise<("released" | "stale" | "gone")[]> {
  if (attempts.length === 0) return [];
  const types = typesOf(attempts);
  const args: (string | number)[] = [attempts.length];
  for (const a of attempts) args.push(a.id, a.attempt, types.indexOf(a.type) + 1, a.started ? "1" : "0");
  return (await runner.run("release", "redis.release", types, args)) as ("released" | "stale" | "gone")[];
}
