import { Command, Redis } from "ioredis";
import type { RedisClient } from "./connection.js";

/** The key a BLPOP popped from, as Redis named it, and the value popped. */
export type Popped = readonly [key: string, value: string];

/**
 * A BLPOP on a connection of its own that a second connection can cut short with CLIENT UNBLOCK,
 * on a single Redis or on the Cluster master that serves the keys (they share one hash slot).
 */
export class BlockingPop {
  /** The hash slot of the keys, for finding the Cluster node that serves them. */
  private readonly slot: number;
  private readonly keyPrefix: string;
  /** The blocking connection and its CLIENT ID, so that the other client can unblock it; asked once per connection. */
  private blocked: { readonly connection: Redis; readonly id: Promise<number | undefined> } | undefined;

  constructor(private readonly blocking: RedisClient, private readonly unblocker: RedisClient, private readonly keys: readonly string[]) {
    this.slot = new Command("get", [keys[0]!]).getSlot();
    this.keyPrefix = blocking.options.keyPrefix ?? "";
    // The CLIENT ID is asked as each connection opens, with ioredis's handshake: a reconnect sends
    // the pops left unanswered again right after it, and a CLIENT ID behind them would wait for them.
    const watch = (connection: Redis) => connection.on("connect", () => {
      if (connectionFor(blocking, this.slot) === connection) this.askId(connection);
    });
    if (blocking instanceof Redis) watch(blocking);
    else {
      for (const node of blocking.nodes("all")) watch(node);
      blocking.on("+node", watch);
    }
  }

  /** BLPOP names the key it popped as sent, with the client's ioredis keyPrefix: `key` as it would come back. */
  poppedName(key: string): string {
    return this.keyPrefix + key;
  }

  /** Whether the unblocking connection is up, so commands sent on it are answered. */
  get ready(): boolean {
    return this.unblocker.status === "ready";
  }

  /** Pops the first entry of the first non-empty key, waiting up to `ms` (at least 1); null when none came. */
  pop(ms: number): Promise<Popped | null> {
    const connection = connectionFor(this.blocking, this.slot);
    // Sent ahead of the BLPOP on the same connection: its reply comes back at once, unless other pops wait ahead of it.
    if (connection && this.blocked?.connection !== connection) this.askId(connection);
    return this.blocking.blpop(...this.keys, Math.max(ms, 1) / 1000);
  }

  private askId(connection: Redis): void {
    const blocked = { connection, id: connection.client("ID").catch(() => undefined) };
    this.blocked = blocked;
    // A new connection has a new id: asked again when it opens, or before the next pop.
    connection.once("close", () => {
      if (this.blocked === blocked) this.blocked = undefined;
    });
  }

  /**
   * Unblocks the pending pops from the other connection, one at a time, on Cluster on the node that
   * serves the keys: each UNBLOCK ends the one Redis is blocked on, and Redis then runs the next,
   * which blocks in turn. UNBLOCK finds a pop blocked, or answered already (its reply is on the way),
   * or not arrived yet (sent just before): it is asked again while a pop has no reply, up to three
   * times more than there were pops. `pending`: the pops with no reply yet, kept current by the
   * caller as replies arrive. False when it cannot be sent (no CLIENT ID known, the
   * node that serves the slot changed since the pop began).
   */
  async unblock(pending: readonly Promise<unknown>[]): Promise<boolean> {
    const blocked = this.blocked;
    const clientId = await blocked?.id;
    const unblocker = connectionFor(this.unblocker, this.slot);
    if (clientId === undefined || !unblocker || nodeOf(unblocker) !== nodeOf(blocked!.connection)) return false;
    for (let tries = pending.length + 3; tries > 0 && pending.length > 0; tries--) {
      // Whichever pop it ended answers: not always the oldest sent, since a Cluster client sends the
      // pops a lost connection left unanswered again after a pop sent since.
      const answered = Promise.race(pending).catch(() => undefined);
      if ((await unblocker.client("UNBLOCK", clientId)) === 1) await answered;
    }
    return true;
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
