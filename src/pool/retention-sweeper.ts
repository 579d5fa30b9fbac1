import type { JobsError } from "../errors.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import { trimRetained } from "../redis/scripts/trim-retained.js";
import { PeriodicTask } from "./periodic-task.js";

/** Retention limits in milliseconds and counts (see RetentionOptions for the defaults). */
export interface RetentionConfig {
  readonly finishedCount: number;
  readonly finishedAgeMs: number;
  readonly failedCount: number;
  readonly failedAgeMs: number;
  readonly sweepMs: number;
}

/**
 * Jobs deleted per set and call. A call blocks Redis while it runs, and each deletion frees a record,
 * so a small batch keeps every call short; a sweep with more to delete calls again at once.
 */
const BATCH = 200;

/** Deletes finished and failed jobs past retention, so Redis memory stays bounded under load. */
export class RetentionSweeper {
  private readonly task: PeriodicTask;

  constructor(runner: ScriptRunner, types: readonly string[], config: RetentionConfig, onError: (error: JobsError) => void) {
    this.task = new PeriodicTask("retention", config.sweepMs, async () => {
      const deleted = await trimRetained(runner, { types, limit: BATCH, ...config });
      return deleted >= BATCH;
    }, onError);
  }

  start(): void {
    this.task.start(false);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
