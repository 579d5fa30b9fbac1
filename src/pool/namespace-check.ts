import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
import { namespaceJobCount, namespacesWithJobsOf } from "../redis/namespace-scan.js";
import { withRedis } from "../redis/redis-error.js";
import type { NamespaceMismatch } from "../interfaces.js";


/**
 * A pool's first round trip, which start() waits for (Redis is reachable, the database selected):
 * whether its namespace holds any job. When it holds none, a search in the background for other
 * namespaces with jobs of the pool's types: the sign of a producer and a worker configured apart.
 */
export class NamespaceCheck {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly types: readonly string[],
    private readonly tell: (mismatch: NamespaceMismatch) => void,
  ) {}

  async run(): Promise<void> {
    const jobs = await withRedis("pool.start", () => namespaceJobCount(this.redis, this.keys), this.redis);
    if (jobs === 0 && this.types.length > 0) void this.search().catch(() => undefined); // only a hint: a failure says nothing
  }

  private async search(): Promise<void> {
    const others = await namespacesWithJobsOf(this.redis, this.keys, this.types);
    if (others.length === 0) return;
    const { namespace, prefix } = this.keys;
    const names = others.map((other) => JSON.stringify(other)).join(", ");
    const message =
      `namespace ${JSON.stringify(namespace)} holds no jobs, but ${names} ${others.length === 1 ? "holds" : "hold"} jobs of this pool's types ` +
      `(prefix ${JSON.stringify(prefix)}): give the pool and the code that schedules the same namespace option`;
    this.tell({ namespace, prefix, others, message });
  }
}
