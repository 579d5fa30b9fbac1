import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
import { BlockingPop, type Popped } from "../redis/blocking-pop.js";
import { pushWakeToken, withdrawIdle } from "../redis/pool-registry.js";
import type { ClaimedRecord } from "../redis/scripts/claim.js";
import { idleMember, parseHandoffEntry } from "../redis/scripts/handoff.js";

/** What ended a wait: a job handed over, a wake-up (from the wake list of `key`), or neither. */
export type WaitOutcome = { readonly kind: "handoff"; readonly job: ClaimedRecord } | { readonly kind: "woken"; readonly key: string } | { readonly kind: "ended" };

const ENDED: WaitOutcome = { kind: "ended" };

/**
 * A pool's wait for work once a claim found its queues drained: BLPOPs on its types' hand-off lists
 * (a schedule leased a job to it: includes/handoff.lua) and wake lists (work arrived that it must
 * claim), on a connection of its own. Several may be sent at once: Redis runs the next as soon as it
 * answers one, so jobs handed over together reach the pool in one pass instead of one round trip
 * each. A wait returns what the next pop to answer brought; what a pop brings while nobody waits
 * goes to `aside`. The claim that found the queues drained registered the pool in idle:<T>; its next
 * claim withdraws that, as does `interrupt`.
 */
export class IdleWait {
  private readonly pop: BlockingPop;
  private readonly handoffKeys: Set<string>;
  private readonly idleKeys: string[];
  private readonly members: string[];
  /**
   * The pops sent and not answered, oldest first. Redis answers them in that order, except where a
   * lost connection's pops are sent again behind newer ones (Cluster), or ioredis gives one up.
   */
  private readonly pops: Promise<Popped | null>[] = [];
  /**
   * The caller of `wait`, until a pop answers. The promise's own functions, not closures calling
   * them: a closure over a wait's scope, held by this long-lived object, kept every wait's objects
   * alive through young-generation collections (garbage-collection pauses in the latency's tail).
   */
  private resolveWait: ((outcome: WaitOutcome) => void) | undefined;
  private rejectWait: ((error: unknown) => void) | undefined;

  /**
   * `known`: per type, the identities the pool knows (knownIdentityList), part of its entries.
   * `aside`: what a pop brought while nobody waited (a job handed over, a wake-up).
   */
  constructor(blocking: RedisClient, private readonly redis: RedisClient, keys: KeySpace, types: readonly string[], known: readonly string[], leaseMs: number, poolId: string, private readonly aside: (outcome: WaitOutcome) => void) {
    const typeKeys = types.map((type) => keys.forType(type));
    this.pop = new BlockingPop(blocking, redis, [...typeKeys.map((k) => k.handoff), ...typeKeys.map((k) => k.wake)]);
    this.handoffKeys = new Set(typeKeys.map((k) => this.pop.poppedName(k.handoff)));
    this.idleKeys = typeKeys.map((k) => k.idle);
    this.members = known.map((list) => idleMember(leaseMs, list, poolId));
  }

  /** Pops waiting in Redis for this pool, sent and not answered. */
  get pending(): number {
    return this.pops.length;
  }

  /**
   * Waits up to `ms` (at least 1) for what the next pop to answer brings, first sending pops until
   * `depth` are pending (at least one). A job handed over arrives leased to this pool, attempt counted.
   */
  wait(ms: number, depth = 1): Promise<WaitOutcome> {
    while (this.pops.length < Math.max(depth, 1)) this.send(ms);
    // Kept so that a close can end the wait itself (`end`): ioredis never settles a command pending
    // on a client that is disconnected while it is reconnecting (Redis away).
    return new Promise<WaitOutcome>((resolve, reject) => {
      this.resolveWait = resolve;
      this.rejectWait = reject;
    });
  }

  private send(ms: number): void {
    const popped = this.pop.pop(ms);
    this.pops.push(popped);
    popped.then(
      (reply) => this.answered(popped, reply ? this.outcomeOf(reply[0], reply[1]) : ENDED, undefined),
      (error: unknown) => this.answered(popped, undefined, error),
    );
  }

  /** A pop answered: the waiting caller gets it; without one, `aside` gets what it brought, and a failure is dropped. */
  private answered(popped: Promise<Popped | null>, outcome: WaitOutcome | undefined, error: unknown): void {
    this.pops.splice(this.pops.indexOf(popped), 1);
    const resolve = this.resolveWait;
    const reject = this.rejectWait;
    this.resolveWait = this.rejectWait = undefined;
    if (outcome === undefined) reject?.(error);
    else if (resolve) resolve(outcome);
    else if (outcome !== ENDED) this.aside(outcome);
  }

  private outcomeOf(key: string, value: string): WaitOutcome {
    return this.handoffKeys.has(key) ? { kind: "handoff", job: parseHandoffEntry(value) } : { kind: "woken", key };
  }

  /**
   * Stops waiting, for a closing pool. A schedule can hand this pool a job until it is withdrawn
   * from idle:<T>, and a BLPOP takes one from a hand-off list until it is unblocked, so it withdraws,
   * then unblocks each pending BLPOP in turn (CLIENT UNBLOCK from the other connection) and lets its
   * reply arrive: a job handed over meanwhile comes back as a wait's outcome or aside, for the pool to
   * give back, instead of being lost with the connection until its lease runs out. Where the UNBLOCK
   * cannot be sent (Redis away, the node that serves the slot changed since the wait began) `end`
   * ends the wait.
   */
  async interrupt(): Promise<void> {
    if (!this.pop.ready) return;
    await withdrawIdle(this.redis, this.idleKeys, this.members);
    if (this.pops.length > 0) await this.pop.unblock(this.pops);
  }

  /** Ends the current wait at once, whatever its BLPOP does. */
  end(): void {
    const resolve = this.resolveWait;
    this.resolveWait = this.rejectWait = undefined;
    resolve?.(ENDED);
  }

  /**
   * A wake-up that reached this pool as it closed is meant for a pool that will claim. Pushed without
   * looking: should another token be there already, a pool claims once more and finds nothing.
   */
  passOn(wakeKey: string): Promise<void> {
    return pushWakeToken(this.redis, wakeKey);
  }
}
