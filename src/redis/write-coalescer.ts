import { Redis } from "ioredis";
import type { RedisClient } from "./connection.js";

/**
 * Holds a connection's writes until the current tick ends, so the commands one tick sends (a burst
 * of schedule calls from a request handler, say) leave in one write system call and reach Redis in
 * one read, instead of one of each per command. A lone call waits only for the rest of its tick.
 *
 * For a producer's connection only: a pool's claims and settles go out as soon as they are made,
 * since its own jobs wait on their replies.
 */
export class WriteCoalescer {
  /** The socket corked until the tick ends, if any: a reconnect may replace the client's meanwhile. */
  private corked: Redis["stream"] | undefined;
  private readonly release = (): void => {
    this.corked?.uncork();
    this.corked = undefined;
  };

  constructor(private readonly redis: RedisClient) {}

  /** Called before each command is sent. */
  hold(): void {
    if (this.corked || !(this.redis instanceof Redis) || this.redis.status !== "ready") return;
    this.corked = this.redis.stream;
    this.corked.cork();
    process.nextTick(this.release);
  }
}
