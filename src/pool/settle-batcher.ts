import { settle, type Settlement, type SettleOutcome } from "../redis/scripts/settle.js";
import type { ScriptRunner } from "../redis/script-runner.js";

interface Pending {
  readonly settlement: Settlement;
  readonly resolve: (outcome: SettleOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the attempts that end in the same turn of the event loop into one settle call: it flushes
 * in setImmediate, so every job a pool runs in one turn (all of a claim's jobs when handlers take
 * microseconds) shares one call, sent while the pool's next claim is already on the wire.
 */
export class SettleBatcher {
  private pending: Pending[] = [];
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly runner: ScriptRunner, private readonly poolId: string, private readonly maxBatch = 500) {}

  add(settlement: Settlement): Promise<SettleOutcome> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ settlement, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /** Resolves once every settle sent so far has been answered. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      const sent = settle(this.runner, this.poolId, batch.map((p) => p.settlement)).then(
        (outcomes) => batch.forEach((p, i) => p.resolve(outcomes[i] ?? "stale")),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      );
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    }
  }
}
