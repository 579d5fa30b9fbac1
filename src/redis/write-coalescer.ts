import { Redis } from "ioredis";
import type { RedisClient } from "./connection.js";

/** Commands held at most: a long burst goes out in slices, so Redis starts on it while the rest is made. */
const MAX_HELD = 64;

/**
 * Holds a connection's writes until the current tick ends, so the commands one tick sends (a burst
 * of schedule calls from a request handler, say) leave in a few write system calls (one per MAX_HELD)
 * and reach Redis in as few reads, instead of one of each per command. A lone call waits only for the
 * rest of its tick.
 *
 * For a producer's connection only: a pool's claims and settles go out as soon as they are made,
 * since its own jobs wait on their replies.
 */
export class WriteCoalescer {
  /** The socket corked until the tick ends, if any: a reconnect may replace the client's meanwhile. */
  private corked: Redis["stream"] | undefined;
  private held = 0;
  /** Writes what is held now; the next command held starts a new hold until its tick ends. */
  readonly flush = (): void => {
    this.corked?.uncork();
    this.corked = undefined;
  };

  constructor(private readonly redis: RedisClient) {}

  /** Called before each command is sent. */
  hold(): void {
    if (this.corked) {
      if (++this.held < MAX_HELD) return;
      // What is held goes now; this command starts the next slice, still held until the tick ends.
      this.corked.uncork();
      this.corked.cork();
      this.held = 0;
      return;
    }
    if (!(this.redis instanceof Redis) || this.redis.status !== "ready") return;
    this.corked = this.redis.stream;
    this.corked.cork();
    this.held = 0;
    process.nextTick(this.flush);
  }
}
