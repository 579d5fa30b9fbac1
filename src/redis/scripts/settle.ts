import type { JobErrorInfo } from "../../interfaces.js";
import type { ScriptRunner } from "../script-runner.js";
import { typesOf, type AttemptRef } from "./attempt-ref.js";

export interface Settlement extends AttemptRef {
  readonly outcome: "ok" | "error" | "reject";
  readonly error?: JobErrorInfo;
  /** Delay before the retry, if the job has one left. */
  readonly retryDelayMs: number;
  /** A recurring job's next slot. */
  readonly nextRunAt: number | undefined;
}

export type SettleOutcome = "finished" | "retried" | "failed" | "rejected" | "cancelled" | "rescheduled" | "stale" | "gone" | "corrupt";

export interface SettleOptions {
  /** Count the batch in each type's per-minute throughput series. Default true. */
  readonly throughput?: boolean;
}

/** settle.lua: records how a batch of `poolId`'s attempts ended, in one call. */
export async function settle(runner: ScriptRunner, poolId: string, settlements: readonly Settlement[], options: SettleOptions = {}): Promise<SettleOutcome[]> {
  const types = typesOf(settlements);
  const args: (string | number)[] = [settlements.length, poolId, options.throughput === false ? 0 : 1];
  for (const s of settlements) {
    const typeIndex = types.indexOf(s.type) + 1;
    // Most attempts are a one-off job ending well: sent short, as 'done' with nothing after it.
    if (s.outcome === "ok" && s.error === undefined && s.nextRunAt === undefined) args.push(s.id, s.attempt, typeIndex, "done");
    else args.push(s.id, s.attempt, typeIndex, s.outcome, s.error ? JSON.stringify(s.error) : "", s.retryDelayMs, s.nextRunAt ?? "");
  }
  return (await runner.run("settle", "redis.settle", types, args)) as SettleOutcome[];
}
