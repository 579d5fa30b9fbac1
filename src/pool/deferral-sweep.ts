import type { JobsError } from "../errors.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import type { ClaimedRecord } from "../redis/scripts/claim.js";
import { sweepDeferred } from "../redis/scripts/sweep-deferred.js";
import { PeriodicTask } from "./periodic-task.js";

const BATCH = 500;

/**
 * Looks through the jobs other pools deferred (sweepDeferred.lua) at start and on every heartbeat
 * interval: it tells the pool whether jobs of an identity it knows wait there, so its claims take
 * them first, and rejects those whose identity it does not know once their deadline has passed.
 */
export class DeferralSweep {
  private readonly task: PeriodicTask;

  constructor(
    runner: ScriptRunner,
    types: readonly string[],
    known: readonly string[],
    intervalMs: number,
    onSwept: (knownWaiting: readonly string[], rejected: readonly ClaimedRecord[]) => void,
    onError: (error: JobsError) => void,
  ) {
    this.task = new PeriodicTask("sweepDeferred", intervalMs, async () => {
      const { knownWaiting, rejected } = await sweepDeferred(runner, { types, known, limit: BATCH });
      onSwept(knownWaiting, rejected);
      return rejected.length >= BATCH;
    }, onError);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
