import type { ScriptRunner } from "../script-runner.js";

export interface ClaimArgs {
  readonly types: readonly string[];
  readonly count: number;
  readonly leaseMs: number;
  readonly poolId: string;
  readonly justWoken: boolean;
  /** The pool may still be registered idle from an earlier claim: withdraw that first. */
  readonly withdraw: boolean;
  /** How long the pool waits if this claim finds the queues drained (it is then registered idle); 0: it will not. */
  readonly idleWaitMs: number;
  /** Take first the jobs other pools deferred whose identity this pool knows. Default false. */
  readonly takeDeferred?: boolean;
  /** How long a job this claim defers waits for a pool that knows its identity. Default 24 h. */
  readonly deferMs?: number;
  /** Per type, the identities the pool knows, as knownIdentityList writes them. Default: every identity. */
  readonly known?: readonly string[];
}

export interface ClaimedRecord {
  readonly id: string;
  readonly raw: string;
}

export interface ClaimResult {
  readonly jobs: ClaimedRecord[];
  /**
   * Fewer jobs were due than asked for: only a wake-up (a schedule, a promotion of due scheduled
   * jobs, a retry, a recovered or released job) brings this pool work, so it may block instead of
   * claiming again.
   */
  readonly drained: boolean;
  /** Earliest scheduled run-at among the types (Redis clock), for the pool's scheduler. */
  readonly nextDueAt: number | undefined;
  /** When the leases of these jobs expire unless renewed (Redis clock). */
  readonly leaseDeadline: number;
  /** Redis's clock when the claim ran. */
  readonly now: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** claim.lua: leases the best `count` due jobs to the pool. */
export async function claim(runner: ScriptRunner, a: ClaimArgs): Promise<ClaimResult> {
  const reply = (await runner.run("claim", "redis.claim", a.types, [a.count, a.leaseMs, a.poolId, a.justWoken ? "1" : "0", a.withdraw ? "1" : "0", a.idleWaitMs, a.takeDeferred ? "1" : "0", a.deferMs ?? DAY_MS, ...(a.known ?? a.types.map(() => "*"))])) as string[];
  const jobs: ClaimedRecord[] = [];
  for (let i = 3; i < reply.length; i += 2) jobs.push({ id: reply[i]!, raw: reply[i + 1]! });
  return { jobs, drained: reply[0] === "1", nextDueAt: reply[1] ? Number(reply[1]) : undefined, leaseDeadline: Number(reply[2]), now: Number(reply[2]) - a.leaseMs };
}
