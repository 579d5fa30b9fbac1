import type { RedisClient } from "./connection.js";

const clusterClients = new WeakMap<RedisClient, number>();
let clusterCount = 0;

/**
 * Names the server and database a client talks to, for work done once per process and server, such
 * as publishing contracts: two clients with the same identity see the same keys. A cluster client
 * has no single address: it is its own identity.
 */
export function serverIdentity(redis: RedisClient): string {
  if (redis.isCluster) {
    if (!clusterClients.has(redis)) clusterClients.set(redis, ++clusterCount);
    return `cluster client ${clusterClients.get(redis)}`;
  }
  const { host, port, path, db, keyPrefix } = redis.options as { host?: string; port?: number; path?: string; db?: number; keyPrefix?: string };
  return `${path ?? `${host}:${port}`}/${db ?? 0} ${keyPrefix ?? ""}`;
}
