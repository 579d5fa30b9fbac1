import { JobsError } from "../errors.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import { extendLease } from "../redis/scripts/extend-lease.js";
import type { AttemptTracker } from "./attempt-tracker.js";
import { PeriodicTask } from "./periodic-task.js";
import type { PoolConfig } from "./pool-config.js";

/**
 * Renews the leases of every attempt the pool holds, and passes on cancels and lost leases. Each beat
 * also publishes the pool's description (`describe`, JSON), which `pools()` lists.
 */
export class Heartbeat {
  private readonly task: PeriodicTask;

  constructor(runner: ScriptRunner, config: PoolConfig, tracker: AttemptTracker, onError: (error: JobsError) => void, describe: () => string = () => "") {
    this.task = new PeriodicTask("heartbeat", config.heartbeatMs, async () => {
      const held = tracker.all();
      const { lost, cancelRequested } = await extendLease(runner, config.id, config.leaseMs, held, describe());
      // The reply names ids; it speaks only of the attempts sent. The pool may have claimed the same job
      // again meanwhile (its lost attempt went back to the queue), and that new attempt is not lost.
      const sent = new Map(held.map((ref) => [ref.id, ref]));
      for (const id of lost) tracker.abandon(sent.get(id)!, new JobsError("JOB_STATE", "pool.heartbeat", `job ${id}: lease lost; another pool owns it now`));
      for (const id of cancelRequested) tracker.abort(sent.get(id)!, new JobsError("JOB_STATE", "pool.heartbeat", `job ${id} was cancelled`));
      return false;
    }, onError);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
