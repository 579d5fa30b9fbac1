import type { JobsError } from "../errors.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import { promote } from "../redis/scripts/promote.js";
import { PeriodicTask } from "./periodic-task.js";

const BATCH = 1000;

/**
 * Moves the pool's scheduled jobs (delayed, retry backoff, recurring) into their ready queues as they
 * fall due, and wakes an idle pool for them (promote.lua), as asynq's forwarder and River's scheduler
 * do. It runs when the earliest scheduled job falls due, as far as this pool knows: its own runs and
 * the pool's claims tell it (a schedule of an earlier job wakes a pool, whose claim reports it). It
 * runs at least every `maxWaitMs` (the pool's idleWait) in case it missed one.
 */
export class Scheduler {
  private readonly task: PeriodicTask;

  constructor(runner: ScriptRunner, types: readonly string[], maxWaitMs: number, onError: (error: JobsError) => void) {
    this.task = new PeriodicTask("scheduler", maxWaitMs, async () => {
      const { more, now, nextDueAt } = await promote(runner, { types, limit: BATCH });
      if (more) return true;
      return nextDueAt === undefined ? false : nextDueAt - now;
    }, onError);
  }

  start(): void {
    this.task.start();
  }

  /** The earliest scheduled job falls due at `nextDueAt` when Redis's clock reads `now` (a claim's reply). */
  dueAt(nextDueAt: number | undefined, now: number): void {
    if (nextDueAt !== undefined) this.task.runWithin(nextDueAt - now);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
