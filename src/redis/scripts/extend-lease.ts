import type { ScriptRunner } from "../script-runner.js";
import { typesOf, type AttemptRef } from "./attempt-ref.js";

export interface ExtendLeaseResult {
  /** Attempts this pool no longer holds: recovered by another pool, or the job was destroyed. */
  readonly lost: string[];
  /** Attempts whose job was cancelled while running. */
  readonly cancelRequested: string[];
}

/**
 * extendLease.lua: renews the pool's leases and records its heartbeat, and with `info` (JSON) what
 * the pool publishes about itself in the namespace's poolinfo hash.
 */
export async function extendLease(runner: ScriptRunner, poolId: string, leaseMs: number, attempts: readonly AttemptRef[], info = ""): Promise<ExtendLeaseResult> {
  const types = typesOf(attempts);
  const args: (string | number)[] = [leaseMs, poolId, info, attempts.length];
  for (const a of attempts) args.push(a.id, a.attempt, types.indexOf(a.type) + 1);
  const reply = (await runner.run("extendLease", "redis.extendLease", types, args)) as string[];
  const split = reply.indexOf("|");
  return { lost: reply.slice(0, split), cancelRequested: reply.slice(split + 1) };
}
