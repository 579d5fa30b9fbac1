import type { PoolInfo } from "../interfaces.js";
import { decodePoolInfo } from "../redis/pool-info.js";
import { withRedis } from "../redis/redis-error.js";
import type { OpsContext } from "./ops-context.js";

/**
 * The live pools: those whose heartbeat (the pools zset) is within twice their lease and whose
 * description (the poolinfo hash) can be read. A dead pool's entry lingers until a lease reaper drops
 * it; until then its stale heartbeat keeps it out of the list. Sorted by id.
 */
export async function readPools(ctx: OpsContext): Promise<PoolInfo[]> {
  const { redis, keys } = ctx;
  const replies = await withRedis("pools", async () => {
    const replies = await redis.multi().time().zrange(keys.pools, "0", "-1", "WITHSCORES").hgetall(keys.poolinfo).exec();
    if (!replies) throw new Error("the pools transaction was aborted");
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply;
    });
  }, redis);
  const [time, beats, infos] = replies as [[string, string], string[], Record<string, string>];
  const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const pools: PoolInfo[] = [];
  for (let i = 0; i < beats.length; i += 2) {
    const id = beats[i]!;
    const lastHeartbeat = Number(beats[i + 1]);
    const info = infos[id] === undefined ? undefined : decodePoolInfo(infos[id]!);
    if (!info || now - lastHeartbeat > 2 * info.leaseMs) continue;
    pools.push({
      id,
      host: info.host,
      pid: info.pid,
      types: info.types,
      concurrency: info.concurrency,
      running: info.running,
      startedAt: new Date(info.startedAt),
      lastHeartbeat: new Date(lastHeartbeat),
      ...(info.identities ? { identities: info.identities } : {}),
    });
  }
  return pools.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
