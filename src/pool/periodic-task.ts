import { toRedisError } from "../redis/redis-error.js";
import type { JobsError } from "../errors.js";

/**
 * What a tick asks for: true to run again at once (it stopped at its batch limit), a number of ms to
 * run again that soon (at most the interval), false to wait the interval.
 */
export type TickResult = boolean | number;

/**
 * Each wait of an interval is up to this fraction of it shorter, at random: a pool's duties, and the
 * pools of one deploy, all start together, and would otherwise reach Redis in step, interval after
 * interval. Shorter, never longer: a heartbeat must still come within its lease.
 */
const JITTER = 0.1;

/**
 * A background duty of a pool (heartbeat, lease reaper, retention sweep, scheduler): runs `tick`
 * every interval (each wait up to JITTER of it shorter), or sooner when a tick or `runWithin` asks,
 * never two at once, and reports a failure instead of dying, then tries again on the next interval.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private ticking = false;
  private stopped = true;
  /** When the timer fires (performance.now() ms), or Infinity while a tick runs. */
  private nextRunAt = Infinity;
  /** The earliest run asked for by runWithin while a tick ran, applied when it ends. */
  private requestedAt = Infinity;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<TickResult>,
    private readonly onError: (error: JobsError) => void,
    /** A number in [0, 1); tests pass a fixed one. */
    private readonly random: () => number = Math.random,
  ) {}

  start(runNow = true): void {
    this.stopped = false;
    this.schedule(runNow ? 0 : this.interval());
  }

  /** Brings the next tick forward to within `ms`, if it was due later; never puts it off. */
  runWithin(ms: number): void {
    if (this.stopped) return;
    const at = performance.now() + Math.max(0, ms);
    if (this.ticking) this.requestedAt = Math.min(this.requestedAt, at);
    // Redis's clock has ms steps: the same run-at, reported again, must not move the timer each time.
    else if (at + 1 < this.nextRunAt) this.schedule(at - performance.now());
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
    clearTimeout(this.timer);
    this.nextRunAt = performance.now() + delay;
    this.timer = setTimeout(() => {
      this.nextRunAt = Infinity;
      void this.execute().then((result) => this.schedule(this.delayAfter(result)));
    }, delay);
    this.timer.unref();
  }

  private delayAfter(result: TickResult): number {
    const asked = result === true ? 0 : result === false ? this.interval() : Math.min(Math.max(0, result), this.intervalMs);
    const requested = this.requestedAt - performance.now();
    this.requestedAt = Infinity;
    return Math.max(0, Math.min(asked, requested));
  }

  private interval(): number {
    return this.intervalMs * (1 - JITTER * this.random());
  }

  private execute(): Promise<TickResult> {
    this.ticking = true;
    const run = this.tick().catch((error: unknown) => {
      this.onError(toRedisError(`pool.${this.name}`, error));
      return false;
    });
    const done = run.finally(() => (this.ticking = false));
    this.running = done.then(() => undefined);
    return done;
  }
}
