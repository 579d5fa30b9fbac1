import type { ClaimedRecord } from "../redis/scripts/claim.js";

interface Held extends ClaimedRecord {
  readonly claimedAt: number;
}

/**
 * Jobs a pool has claimed but not started, oldest first. Each starts when a slot frees, or is handed
 * back once it has waited holdLimitMs: its lease may be near its end, and it was claimed for a pool
 * that turned out slower than expected. A timer wakes the pool when the oldest falls due, so a job
 * waiting behind busy slots is handed back on time.
 */
export class HeldJobs {
  private readonly jobs: Held[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly holdLimitMs: number, private readonly onDue: () => void) {}

  get length(): number {
    return this.jobs.length;
  }

  add(records: readonly ClaimedRecord[]): void {
    const claimedAt = performance.now();
    for (const { id, raw } of records) this.jobs.push({ id, raw, claimedAt });
    this.arm();
  }

  /** Up to `slots` jobs to start now, oldest first, and every job that waited too long to start at all. */
  take(slots: number): { start: ClaimedRecord[]; overdue: ClaimedRecord[] } {
    const now = performance.now();
    const start: ClaimedRecord[] = [];
    const overdue: ClaimedRecord[] = [];
    while (this.jobs.length > 0) {
      const isOverdue = now - this.jobs[0]!.claimedAt > this.holdLimitMs;
      if (!isOverdue && start.length >= slots) break;
      (isOverdue ? overdue : start).push(this.jobs.shift()!);
    }
    this.arm();
    return { start, overdue };
  }

  /** Every job still held, for a closing pool to hand back. */
  drain(): ClaimedRecord[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.jobs.splice(0);
  }

  // One timer at a time, for the oldest: if that one starts first, the timer finds nothing due and is
  // set again for the next.
  private arm(): void {
    if (this.jobs.length === 0 || this.timer) return;
    const dueIn = this.jobs[0]!.claimedAt + this.holdLimitMs - performance.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onDue();
    }, Math.max(1, Math.ceil(dueIn) + 1));
  }
}
