import type { ScriptRunner } from "../script-runner.js";

export interface RequeueExpiredArgs {
  readonly types: readonly string[];
  readonly limit: number;
  readonly maxRecoveries: number;
  readonly stalePoolMs: number;
  /** Count the jobs failed here in each type's throughput series. Default true. */
  readonly throughput?: boolean;
}

export interface RecoveredJob {
  readonly id: string;
  readonly outcome: "requeued" | "failed" | "cancelled" | "corrupt";
  readonly type: string;
}

/** requeueExpired.lua: puts back the jobs of pools that stopped renewing their leases. */
export async function requeueExpired(runner: ScriptRunner, a: RequeueExpiredArgs): Promise<RecoveredJob[]> {
  const reply = (await runner.run("requeueExpired", "redis.requeueExpired", a.types, [a.limit, a.maxRecoveries, a.stalePoolMs, a.throughput === false ? 0 : 1])) as (string | number)[];
  const jobs: RecoveredJob[] = [];
  for (let i = 0; i < reply.length; i += 3) {
    jobs.push({ id: String(reply[i]), outcome: reply[i + 1] as RecoveredJob["outcome"], type: a.types[Number(reply[i + 2]) - 1]! });
  }
  return jobs;
}
