import type { ServerResponse } from "node:http";
import type { Operations } from "../ops/operations-api.js";
import type { Stats } from "../interfaces.js";
import { SECURITY_HEADERS } from "./http-kit.js";

/** How often the server reads stats while a page listens: each read is a fixed number of round trips. */
const WATCH_INTERVAL_MS = 400;
/** A stats read that takes longer than this counts as Redis unreachable. */
const READ_TIMEOUT_MS = 2000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

export interface RedisState {
  readonly reachable: boolean;
  readonly message: string | null;
}

/**
 * Server-sent events for every open page: the server watches Redis (one bounded stats read per
 * interval, only while a page listens) and pushes `stats` when anything changed and `redis` when
 * reachability changes; the browser never polls. Bulk actions push their progress through it too.
 */
export class LiveFeed {
  private readonly listeners = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private lastSignature: string | undefined;
  private lastStats: Stats | undefined;
  private redis: RedisState = { reachable: true, message: null };
  private reading = false;

  constructor(private readonly ops: Operations) {}

  /** Takes over `res` as an event stream until the page goes away. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write("retry: 1000\n\n");
    this.listeners.add(res);
    res.on("close", () => {
      this.listeners.delete(res);
      if (this.listeners.size === 0) this.stop();
    });
    write(res, "redis", this.redis);
    if (this.lastStats) write(res, "stats", this.lastStats);
    this.start();
  }

  /** Sends an event to every open page. */
  broadcast(event: string, data: unknown): void {
    for (const res of this.listeners) write(res, event, data);
  }

  close(): void {
    this.stop();
    for (const res of this.listeners) res.end();
    this.listeners.clear();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), WATCH_INTERVAL_MS);
    this.keepalive = setInterval(() => {
      for (const res of this.listeners) res.write(": keepalive\n\n");
    }, KEEPALIVE_MS);
    void this.tick();
  }

  private stop(): void {
    clearInterval(this.timer);
    clearInterval(this.keepalive);
    this.timer = undefined;
    this.keepalive = undefined;
    this.lastSignature = undefined;
  }

  private async tick(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const stats = await within(this.ops.stats(), READ_TIMEOUT_MS);
      this.setRedis({ reachable: true, message: null });
      // `at` changes on every read; the page hears only of a change in what it shows.
      const signature = JSON.stringify({ ...stats, at: 0, pools: stats.pools.map((p) => ({ ...p, lastHeartbeat: 0 })) });
      if (signature !== this.lastSignature) {
        this.lastSignature = signature;
        this.lastStats = stats;
        this.broadcast("stats", stats);
      }
    } catch (error) {
      this.setRedis({ reachable: false, message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.reading = false;
    }
  }

  private setRedis(state: RedisState): void {
    if (state.reachable === this.redis.reachable) return;
    this.redis = state;
    // After an outage the next read is news whatever it holds: the page may have missed changes.
    if (state.reachable) this.lastSignature = undefined;
    this.broadcast("redis", state);
  }
}

function write(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms / 1000} s`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
