import { Command, Redis } from "ioredis";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
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
  private readonly waitKeys: string[];
  private readonly handoffKeys: Set<string>;
  private readonly idleKeys: string[];
  private readonly member: string;
  /** The hash slot of the namespace's keys, for finding the Cluster node that serves them. */
  private readonly slot: number;
  /** The blocking connection and its CLIENT ID, so that the other client can unblock it; asked once per connection. */
  private blocked: { readonly connection: Redis; readonly id: Promise<number | undefined> } | undefined;
  private pending: Promise<WaitOutcome> | undefined;
  private stop: (() => void) | undefined;

  constructor(private readonly blocking: RedisClient, private readonly redis: RedisClient, keys: KeySpace, types: readonly string[], leaseMs: number, poolId: string) {
    const typeKeys = types.map((type) => keys.forType(type));
    this.waitKeys = [...typeKeys.map((k) => k.handoff), ...typeKeys.map((k) => k.wake)];
    // BLPOP names the key it popped as sent, with the client's ioredis keyPrefix.
    const keyPrefix = blocking.options.keyPrefix ?? "";
    this.handoffKeys = new Set(typeKeys.map((k) => keyPrefix + k.handoff));
    this.idleKeys = typeKeys.map((k) => k.idle);
    this.member = idleMember(leaseMs, poolId);
    this.slot = new Command("get", [this.waitKeys[0]!]).getSlot();
  }

  /** Waits up to `ms` (at least 1). A job handed over arrives leased to this pool, attempt counted. */
  wait(ms: number): Promise<WaitOutcome> {
    const connection = connectionFor(this.blocking, this.slot);
    if (connection && this.blocked?.connection !== connection) {
      // Sent ahead of the BLPOP on the same connection: its reply comes back at once.
      const blocked = { connection, id: connection.client("ID").catch(() => undefined) };
      this.blocked = blocked;
      // A new connection has a new id: asked again before the next wait.
      connection.once("close", () => {
        if (this.blocked === blocked) this.blocked = undefined;
      });
    }
    const popped = this.blocking.blpop(...this.waitKeys, Math.max(ms, 1) / 1000);
    // `stop` lets a close end the wait itself: ioredis never settles a command pending on a client
    // that is disconnected while it is reconnecting (Redis away), so a close would otherwise hang.
    const pending = new Promise<WaitOutcome>((resolve, reject) => {
      this.stop = () => resolve(ENDED);
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
   * back, instead of being lost with the connection until its lease runs out. On Cluster the UNBLOCK
   * goes to the node that serves the namespace. Where it cannot be sent (Redis away, the node that
   * serves the slot changed since the wait began) `end` ends the wait.
   */
  async interrupt(): Promise<void> {
    if (this.redis.status !== "ready") return;
    await Promise.all(this.idleKeys.map((key) => this.redis.zrem(key, this.member)));
    const pending = this.pending;
    const blocked = this.blocked;
    const clientId = await blocked?.id;
    const unblocker = connectionFor(this.redis, this.slot);
    if (!pending || clientId === undefined || !unblocker || nodeOf(unblocker) !== nodeOf(blocked!.connection)) return;
    // UNBLOCK finds the BLPOP blocked, or answered already (its reply is on the way), or not arrived
    // yet (sent on the other connection just before): it is asked again once that has had time to.
    for (let tries = 0; tries < 3 && this.pending === pending; tries++) {
      if ((await unblocker.client("UNBLOCK", clientId)) === 1) break;
    }
    await pending;
  }

  /** Ends the wait at once, whatever its BLPOP does. */
  end(): void {
    this.stop?.();
  }
}

/**
 * The connection a client sends commands for keys of `slot` on: the client itself, or on Cluster the
 * connection to the master that serves the slot, while the client knows the slot map.
 */
function connectionFor(client: RedisClient, slot: number): Redis | undefined {
  if (client instanceof Redis) return client;
  const master = client.slots[slot]?.[0];
  return master === undefined ? undefined : client.nodes("master").find((node) => nodeOf(node) === master);
}

function nodeOf(connection: Redis): string {
  return `${connection.options.host}:${connection.options.port}`;
}
