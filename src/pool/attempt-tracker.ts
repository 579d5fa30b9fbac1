import type { AttemptRef } from "../redis/scripts/attempt-ref.js";
import { AttemptAbort } from "./attempt-abort.js";

interface Held {
  readonly ref: AttemptRef;
  readonly abort: AttemptAbort;
  running: boolean;
  abandoned: boolean;
}

/**
 * The attempts a pool holds, from claim until their settle is acknowledged: the heartbeat renews
 * all of them, the claim loop counts only those whose handler still runs, and close waits on both.
 */
export class AttemptTracker {
  private readonly held = new Map<string, Held>();
  private running = 0;
  private changed: (() => void) | undefined;

  /** Held attempts whose handler still runs; kept as a count, the claim loop reads it for every job. */
  get runningCount(): number {
    return this.running;
  }

  begin(ref: AttemptRef): AttemptAbort {
    const abort = new AttemptAbort();
    // An earlier attempt of the same job, still running here after it was lost, is replaced.
    if (this.held.get(ref.id)?.running) this.running--;
    this.held.set(ref.id, { ref, abort, running: true, abandoned: false });
    this.running++;
    return abort;
  }

  handlerDone(ref: AttemptRef): void {
    const h = this.current(ref);
    if (h?.running) {
      h.running = false;
      this.running--;
    }
    this.notify();
  }

  settled(ref: AttemptRef): void {
    if (this.current(ref)) this.held.delete(ref.id);
    this.notify();
  }

  isAbandoned(ref: AttemptRef): boolean {
    const h = this.current(ref);
    if (h?.abandoned) this.held.delete(ref.id);
    return h === undefined || h.abandoned;
  }

  /** Every attempt whose lease the pool must keep renewing. */
  all(): AttemptRef[] {
    return [...this.held.values()].filter((h) => !h.abandoned).map((h) => h.ref);
  }

  /**
   * Stops a handler early (cancelled, lease lost, timeout): its signal aborts with the reason. Only
   * that attempt: a later attempt of the same job, claimed again by this pool, is left alone.
   */
  abort(ref: AttemptRef, reason: Error): void {
    this.current(ref)?.abort.abort(reason);
  }

  /** Lost attempts are someone else's now: no renewal, and their result is not written. */
  abandon(ref: AttemptRef, reason: Error): void {
    const h = this.current(ref);
    if (!h) return;
    h.abandoned = true;
    h.abort.abort(reason);
    if (!h.running) this.held.delete(ref.id);
    this.notify();
  }

  /** Abandons every attempt still running and returns them, for release at the end of a grace period. */
  abandonRunning(reason: Error): AttemptRef[] {
    const refs: AttemptRef[] = [];
    for (const h of this.held.values()) {
      if (h.running && !h.abandoned) {
        refs.push(h.ref);
        this.abandon(h.ref, reason);
      }
    }
    return refs;
  }

  /** True when no handler runs any more; false if the time ran out first. */
  waitForRunning(timeoutMs: number): Promise<boolean> {
    return this.waitUntil(() => ![...this.held.values()].some((h) => h.running && !h.abandoned), timeoutMs);
  }

  waitForSettled(timeoutMs: number): Promise<boolean> {
    return this.waitUntil(() => ![...this.held.values()].some((h) => !h.abandoned), timeoutMs);
  }

  private async waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  }

  private current(ref: AttemptRef): Held | undefined {
    const h = this.held.get(ref.id);
    return h && h.ref.attempt === ref.attempt ? h : undefined;
  }

  private notify(): void {
    const changed = this.changed;
    this.changed = undefined;
    changed?.();
  }
}
