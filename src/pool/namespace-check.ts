import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
import { namespaceTypeCount, namespacesWithJobsOf } from "../redis/namespace-scan.js";
import { withRedis } from "../redis/redis-error.js";
import type { NamespaceMismatch } from "../interfaces.js";

/** Looks again while the namespace stays empty, less and less often: a producer may start after the pool. */
const FIRST_RECHECK_MS = 30_000;
const LONGEST_RECHECK_MS = 30 * 60_000;

/**
 * A pool's first round trip, which start() waits for (Redis is reachable, the database selected):
 * whether any job was ever scheduled in its namespace. While none was, a search in the background
 * (SCAN: a user not allowed it gets no hint) for other namespaces with jobs of the pool's types, the
 * sign of a producer and a worker configured apart, told once.
 */
export class NamespaceCheck {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly types: readonly string[],
    private readonly tell: (mismatch: NamespaceMismatch) => void,
  ) {}

  async run(): Promise<void> {
    const jobs = await withRedis("pool.start", () => namespaceTypeCount(this.redis, this.keys), this.redis);
    if (jobs === 0 && this.types.length > 0) void this.search(FIRST_RECHECK_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Only a hint: a failure says nothing, and the next look is as planned. */
  private async search(nextMs: number): Promise<void> {
    const found = await namespacesWithJobsOf(this.redis, this.keys, this.types).catch(() => []);
    if (this.stopped) return;
    if (found.length > 0) return this.tellOnce(found);
    this.timer = setTimeout(() => void this.recheck(Math.min(nextMs * 2, LONGEST_RECHECK_MS)), nextMs);
    this.timer.unref();
  }

  private async recheck(nextMs: number): Promise<void> {
    const jobs = await namespaceTypeCount(this.redis, this.keys).catch(() => 0);
    if (!this.stopped && jobs === 0) await this.search(nextMs);
  }

  private tellOnce(others: readonly string[]): void {
    const { namespace, prefix } = this.keys;
    const names = others.map((other) => JSON.stringify(other)).join(", ");
    const message =
      `namespace ${JSON.stringify(namespace)} never had a job, but ${names} ${others.length === 1 ? "holds" : "hold"} jobs of this pool's types ` +
      `(prefix ${JSON.stringify(prefix)}): give the pool and the code that schedules the same namespace option`;
    this.tell({ namespace, prefix, others, message });
  }
}
