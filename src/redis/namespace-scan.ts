import { Cluster, type Redis } from "ioredis";
import type { RedisClient } from "./connection.js";
import type { KeySpace } from "./keys.js";

/** Keys visited at most by one search: it runs once per pool start, and must stay cheap on a large shared Redis. */
const MAX_SCANNED = 200_000;
const SCAN_COUNT = 1000;

/**
 * How many job types the namespace has ever seen a job of (its `types` set): 0 for a namespace no
 * job was ever scheduled in. SCARD, which the least-privilege ACL user may run (docs/security.md).
 */
export async function namespaceTypeCount(redis: RedisClient, keys: KeySpace): Promise<number> {
  return redis.scard(keys.types);
}

/**
 * The other namespaces under the same prefix whose queues hold jobs of these types (queued, delayed
 * or retrying: a `queue:`, `ready:` or `scheduled:` key exists only while it holds a job), sorted.
 * A SCAN of at most MAX_SCANNED keys, on every master of a Cluster.
 */
export async function namespacesWithJobsOf(redis: RedisClient, keys: KeySpace, types: readonly string[]): Promise<string[]> {
  const keyPrefix = redis.options.keyPrefix ?? "";
  const wanted = new Set(types);
  const shape = new RegExp(`^${escapeRegExp(keyPrefix + keys.prefix)}\\{([^{}]+)\\}:(?:queue|ready|scheduled):(.+)$`);
  const found = new Set<string>();
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes("master") : [redis];
  const budget = Math.ceil(MAX_SCANNED / Math.max(nodes.length, 1));
  for (const node of nodes) {
    let cursor = "0";
    let scanned = 0;
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", `${escapeGlob(keyPrefix + keys.prefix)}{*}:*`, "COUNT", SCAN_COUNT);
      cursor = next;
      scanned += SCAN_COUNT;
      for (const key of batch) {
        const match = shape.exec(key);
        if (match && match[1] !== keys.namespace && wanted.has(match[2]!)) found.add(match[1]!);
      }
    } while (cursor !== "0" && scanned < budget);
  }
  return [...found].sort();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
