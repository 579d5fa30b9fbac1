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
  private holding = false;
  private readonly release = (): void => {
    this.holding = false;
    // The socket may have been replaced by a reconnect meanwhile: uncork the one corked.
    this.socket?.uncork();
    this.socket = undefined;
  };
  private socket: Redis["stream"] | undefined;

  constructor(private readonly redis: RedisClient) {}

  /** Called before each command is sent. */
  hold(): void {
    if (this.holding || !(this.redis instanceof Redis) || this.redis.status !== "ready") return;
    const socket = this.redis.stream;
    socket.cork();
    this.socket = socket;
    this.holding = true;
    process.nextTick(this.release);
  }
}
