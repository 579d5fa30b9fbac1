import type { ClaimedRecord } from "./claim.js";
import type { ScriptRunner } from "../script-runner.js";

export interface SweepDeferredArgs {
  readonly types: readonly string[];
  /** Per type, the identities the pool knows (knownIdentityList). */
  readonly known: readonly string[];
  /** The most jobs to reject in one call. */
  readonly limit: number;
}

export interface SweepDeferredResult {
  /** The types with jobs deferred under an identity the pool knows: its claims take them first. */
  readonly knownWaiting: readonly string[];
  /** Jobs rejected: deferred past their deadline under an identity the pool does not know. */
  readonly rejected: readonly ClaimedRecord[];
}

/** sweepDeferred.lua: what waits deferred for this pool, and the rejection of what waited too long. */
export async function sweepDeferred(runner: ScriptRunner, a: SweepDeferredArgs): Promise<SweepDeferredResult> {
  const reply = (await runner.run("sweepDeferred", "pool.sweepDeferred", a.types, [a.limit, ...a.known])) as string[];
  const knownWaiting = a.types.filter((_, i) => reply[i] === "1");
  const rejected: ClaimedRecord[] = [];
  for (let i = a.types.length; i < reply.length; i += 2) rejected.push({ id: reply[i]!, raw: reply[i + 1]! });
  return { knownWaiting, rejected };
}
