import { JobsError } from "../errors.js";
import { settle, type Settlement, type SettleOptions, type SettleOutcome } from "../redis/scripts/settle.js";
import type { ScriptRunner } from "../redis/script-runner.js";

/** Told how an attempt's settle landed. */
export type Settled = (outcome: SettleOutcome) => void;

interface Pending {
  readonly settlement: Settlement;
  readonly settled: Settled;
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2000;

/**
 * Gathers the attempts that end in the same turn of the event loop into one settle call: it flushes
 * in setImmediate, so every job a pool runs in one turn (all of a claim's jobs when handlers take
 * microseconds) shares one call, sent while the pool's next claim is already on the wire.
 *
 * A settle that fails (Redis away) is sent again, batch by batch, with a growing pause, until it
 * lands or the pool stops; callers are told once, by callback: a promise per attempt was most of
 * what an attempt allocated.
 */
export class SettleBatcher {
  private pending: Pending[] = [];
  /** Settle calls sent and not yet answered. */
  private inFlight = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runner: ScriptRunner,
    private readonly poolId: string,
    /** A settle Redis refused (it is sent again), or a callback that threw (a JobsError). */
    private readonly onError: (error: unknown) => void,
    private readonly maxBatch = 500,
    private readonly options: SettleOptions = {},
  ) {}

  add(settlement: Settlement, settled: Settled): void {
    if (this.stopped) return this.tell({ settlement, settled }, "stale");
    if (this.pending.push({ settlement, settled }) === 1 && !this.retryTimer) setImmediate(() => this.flush());
  }

  /** Resolves once every settle added so far has landed (or the batcher stopped). */
  drain(): Promise<void> {
    if (!this.retryTimer) this.flush();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Gives up on what has not landed: those attempts are told "stale", as their leases will run out and
   * another pool recover the jobs. For a pool that closes while Redis is away.
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const left = this.pending;
    this.pending = [];
    for (const p of left) this.tell(p, "stale");
    this.notifyIfIdle();
  }

  private flush(): void {
    while (this.pending.length > 0 && !this.stopped) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      void settle(this.runner, this.poolId, batch.map((p) => p.settlement), this.options)
        .then(
          (outcomes) => {
            this.failures = 0;
            for (let i = 0; i < batch.length; i++) this.tell(batch[i]!, outcomes[i] ?? "stale");
          },
          (error: unknown) => this.retryLater(batch, error),
        )
        .finally(() => {
          this.inFlight--;
          this.notifyIfIdle();
        });
    }
  }

  private retryLater(batch: Pending[], error: unknown): void {
    if (this.stopped) {
      for (const p of batch) this.tell(p, "stale");
      return;
    }
    this.onError(error);
    this.pending = batch.concat(this.pending);
    if (this.retryTimer) return;
    const delay = Math.min(RETRY_BASE_MS * 2 ** this.failures++, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, delay);
  }

  // One caller's callback throwing must not keep the others of its batch from being told.
  private tell(p: Pending, outcome: SettleOutcome): void {
    try {
      p.settled(outcome);
    } catch (error) {
      this.onError(new JobsError("JOB_STATE", "pool.settle", `job ${p.settlement.id}: what follows its settle threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    }
  }

  private isIdle(): boolean {
    return this.pending.length === 0 && this.inFlight === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
