import type { RedisClient } from "./connection.js";
import type { KeySpace } from "./keys.js";
import { withRedis } from "./redis-error.js";

/**
 * The namespace's recurring set: the ids of jobs made recurring (by scheduleRecurring, here, or by a
 * reschedule that gives a job a recurrence, in reschedule.lua), so recurring jobs are listed without
 * reading every delayed job. It may hold more than the recurring jobs (one destroyed, or made
 * one-off): readers check each record and drop those ids.
 */

/** Adds a job about to be scheduled as recurring; sent ahead of its schedule, on the same connection. */
export function indexRecurring(redis: RedisClient, keys: KeySpace, id: string, op: string): Promise<number> {
  return withRedis(op, () => redis.sadd(keys.recurring, id), redis);
}

export function recurringIds(redis: RedisClient, keys: KeySpace, op: string): Promise<string[]> {
  return withRedis(op, () => redis.smembers(keys.recurring), redis);
}

/** Drops ids whose job is gone or no longer recurring. */
export async function forgetRecurring(redis: RedisClient, keys: KeySpace, ids: readonly string[], op: string): Promise<void> {
  if (ids.length > 0) await withRedis(op, () => redis.srem(keys.recurring, ...ids), redis);
}
