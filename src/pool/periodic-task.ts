import { toRedisError } from "../redis/redis-error.js";
import type { JobsError } from "../errors.js";

/**
 * A background duty of a pool (heartbeat, lease reaper, retention sweep): runs `tick` every interval,
 * never two at once, and reports a failure instead of dying, then tries again on the next interval.
 * `tick` returns true when it should run again at once (it stopped at its batch limit).
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<boolean>,
    private readonly onError: (error: JobsError) => void,
  ) {}

  start(runNow = true): void {
    this.stopped = false;
    this.schedule(runNow ? 0 : this.intervalMs);
  }

  /** Runs a tick now (after any running one) and waits for it. */
  async runNow(): Promise<void> {
    await this.running;
    await this.execute();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.execute().then((again) => this.schedule(again ? 0 : this.intervalMs)), delay);
    this.timer.unref();
  }

  private execute(): Promise<boolean> {
    const run = this.tick().catch((error: unknown) => {
      this.onError(toRedisError(`pool.${this.name}`, error));
      return false;
    });
    this.running = run.then(() => undefined);
    return run;
  }
}
