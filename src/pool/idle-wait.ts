import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
import { BlockingPop } from "../redis/blocking-pop.js";
import { pushWakeToken, withdrawIdle } from "../redis/pool-registry.js";
import type { ClaimedRecord } from "../redis/scripts/claim.js";
import { idleMember, parseHandoffEntry } from "../redis/scripts/handoff.js";

/** What ended a wait: a job handed over, a wake-up (from the wake list of `key`), or neither. */
export type WaitOutcome = { readonly kind: "handoff"; readonly job: ClaimedRecord } | { readonly kind: "woken"; readonly key: string } | { readonly kind: "ended" };

const ENDED: WaitOutcome = { kind: "ended" };

/**
 * A pool's wait for work once a claim found its queues drained: one BLPOP on its types' hand-off
 * lists (a schedule leased a job to it: includes/handoff.lua) and wake lists (work arrived that it
 * must claim), on a connection of its own. The claim that found the queues drained registered the
 * pool in idle:<T>; its next claim withdraws that, as does `interrupt`.
 */
export class IdleWait {
  private readonly pop: BlockingPop;
  private readonly handoffKeys: Set<string>;
  private readonly idleKeys: string[];
  private readonly members: string[];
  private pending: Promise<WaitOutcome> | undefined;
  private stop: ((outcome: WaitOutcome) => void) | undefined;

  /** `known`: per type, the identities the pool knows (knownIdentityList), part of its entries. */
  constructor(blocking: RedisClient, private readonly redis: RedisClient, keys: KeySpace, types: readonly string[], known: readonly string[], leaseMs: number, poolId: string) {
    const typeKeys = types.map((type) => keys.forType(type));
    this.pop = new BlockingPop(blocking, redis, [...typeKeys.map((k) => k.handoff), ...typeKeys.map((k) => k.wake)]);
    this.handoffKeys = new Set(typeKeys.map((k) => this.pop.poppedName(k.handoff)));
    this.idleKeys = typeKeys.map((k) => k.idle);
    this.members = known.map((list) => idleMember(leaseMs, list, poolId));
  }

  /** Waits up to `ms` (at least 1). A job handed over arrives leased to this pool, attempt counted. */
  wait(ms: number): Promise<WaitOutcome> {
    const popped = this.pop.pop(ms);
    // `stop` lets a close end the wait itself: ioredis never settles a command pending on a client
    // that is disconnected while it is reconnecting (Redis away), so a close would otherwise hang.
    const pending = new Promise<WaitOutcome>((resolve, reject) => {
      // The resolve function itself, not a closure calling it: a closure over this scope, held by this
      // long-lived object, kept every wait's objects alive through young-generation collections, so
      // they were copied to the old generation (garbage-collection pauses in the latency's tail).
      this.stop = resolve;
      popped.then((reply) => {
        this.pending = undefined;
        resolve(reply ? this.outcomeOf(reply[0], reply[1]) : ENDED);
      }, (error: unknown) => {
        this.pending = undefined;
        reject(error);
      });
    });
    this.pending = pending;
    return pending;
  }

  private outcomeOf(key: string, value: string): WaitOutcome {
    return this.handoffKeys.has(key) ? { kind: "handoff", job: parseHandoffEntry(value) } : { kind: "woken", key };
  }

  /**
   * Stops waiting, for a closing pool. A schedule can hand this pool a job until it is withdrawn
   * from idle:<T>, and BLPOP takes one from a hand-off list until it is unblocked, so it withdraws,
   * then unblocks the BLPOP (CLIENT UNBLOCK from the other connection) and lets its reply arrive:
   * the job handed over meanwhile, if any, comes back as the wait's outcome, for the pool to give
   * back, instead of being lost with the connection until its lease runs out. Where the UNBLOCK
   * cannot be sent (Redis away, the node that serves the slot changed since the wait began) `end`
   * ends the wait.
   */
  async interrupt(): Promise<void> {
    if (!this.pop.ready) return;
    await withdrawIdle(this.redis, this.idleKeys, this.members);
    const pending = this.pending;
    if (pending && (await this.pop.unblock(() => this.pending === pending))) await pending;
  }

  /** Ends the wait at once, whatever its BLPOP does. */
  end(): void {
    this.stop?.(ENDED);
  }

  /**
   * A wake-up that reached this pool as it closed is meant for a pool that will claim. Pushed without
   * looking: should another token be there already, a pool claims once more and finds nothing.
   */
  passOn(wakeKey: string): Promise<void> {
    return pushWakeToken(this.redis, wakeKey);
  }
}
