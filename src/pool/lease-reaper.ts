import type { JobsError } from "../errors.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import { requeueExpired } from "../redis/scripts/requeue-expired.js";
import { PeriodicTask } from "./periodic-task.js";
import type { PoolConfig } from "./pool-config.js";

const BATCH = 500;

/**
 * Puts back the jobs whose lease expired, for the pool's types, all the time (not only at start-up):
 * a pool that died by kill -9, power loss or partition loses its jobs to any live pool.
 */
export class LeaseReaper {
  private readonly task: PeriodicTask;

  constructor(runner: ScriptRunner, config: PoolConfig, types: readonly string[], onRecovered: (ids: string[], types: string[]) => void, onError: (error: JobsError) => void) {
    this.task = new PeriodicTask("reaper", config.reapMs, async () => {
      const recovered = await requeueExpired(runner, { types, limit: BATCH, maxRecoveries: config.maxLeaseRecoveries, stalePoolMs: config.leaseMs * 2, throughput: config.throughput });
      if (recovered.length > 0) onRecovered(recovered.map((r) => r.id), recovered.map((r) => r.type));
      return recovered.length >= BATCH;
    }, onError);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
