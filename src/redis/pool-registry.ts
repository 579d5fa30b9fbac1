import type { RedisClient } from "./connection.js";
import type { KeySpace } from "./keys.js";

/**
 * The plain commands a pool sends outside its scripts, on the keys where pools register: idle:<T>
 * (pools waiting for a hand-off), wake:<T> (tokens that wake them) and the namespace's pools.
 */

/** Withdraws a pool's entries (idleMember, one per idle:<T> key) from those sets: no schedule hands it a job after this. */
export async function withdrawIdle(redis: RedisClient, idleKeys: readonly string[], members: readonly string[]): Promise<void> {
  await Promise.all(idleKeys.map((key, i) => redis.zrem(key, members[i]!)));
}

/** Puts a wake token back on a wake list, for another idle pool to take. */
export async function pushWakeToken(redis: RedisClient, wakeKey: string): Promise<void> {
  await redis.rpush(wakeKey, "1");
}

/** Removes a closed pool from the namespace's pools, where its heartbeat recorded it, and what it published about itself. */
export async function unregisterPool(redis: RedisClient, keys: KeySpace, poolId: string): Promise<void> {
  await redis.multi().zrem(keys.pools, poolId).hdel(keys.poolinfo, poolId).exec();
}
