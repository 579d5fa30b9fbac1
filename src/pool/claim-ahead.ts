/** How far ahead a pool claims: only jobs it expects to start within this window. */
export const AHEAD_WINDOW_MS = 5;
/**
 * The most jobs held ahead, whatever the handlers' speed: it bounds a claim, and so how long one claim
 * script holds Redis, which every other client waits on, to well under a millisecond.
 */
const MAX_AHEAD = 64;
/** Weight of the newest handler duration in the running average. */
const WEIGHT = 0.2;

/**
 * How many jobs a pool may hold claimed beyond those its handlers run, judged by how long its handlers
 * take: as many as it expects to start within AHEAD_WINDOW_MS. Handlers that take a millisecond or
 * more at concurrency 1 get none, so a pool of slow jobs claims only for free slots and no job waits
 * claimed behind a long one (albrow/jobs#44: a job shown executing for minutes before it started).
 * Handlers of microseconds get a claim's worth, so a pool at low concurrency does not pay a round
 * trip per job.
 */
export class ClaimAhead {
  private averageMs: number | undefined;

  constructor(private readonly concurrency: number, private readonly enabled: boolean) {}

  /** One handler's run time, from start to settle-ready. */
  record(durationMs: number): void {
    this.averageMs = this.averageMs === undefined ? durationMs : this.averageMs + WEIGHT * (durationMs - this.averageMs);
  }

  /**
   * Jobs claimed ahead waited too long: a handler is taking far longer than the average says. No more
   * are claimed ahead until handlers are timed again, so the pool does not claim back what it just
   * handed back while that handler still runs.
   */
  slowedDown(): void {
    this.averageMs = undefined;
  }

  /** Until handlers have been timed, none: the pool claims only for free slots. */
  get allowance(): number {
    if (!this.enabled || this.averageMs === undefined) return 0;
    const startable = (AHEAD_WINDOW_MS * this.concurrency) / Math.max(this.averageMs, 0.001);
    return Math.min(MAX_AHEAD, Math.floor(startable));
  }
}
