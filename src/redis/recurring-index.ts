import type { RedisClient } from "./connection.js";
import type { KeySpace } from "./keys.js";
import { withRedis } from "./redis-error.js";

/**
 * The namespace's recurring set: the ids of jobs made recurring (by scheduleRecurring, here, or by a
 * reschedule that gives a job a recurrence, in reschedule.lua), so recurring jobs are listed without
 * reading every delayed job. It may hold more than the recurring jobs (one destroyed, or made
 * one-off): readers check each record and drop those ids (pruneRecurring.lua, which checks again).
 */

/**
 * Adds a job just scheduled as recurring. Sent after its schedule, so the index never names a job
 * that does not exist yet (a reader would take it for a destroyed one); settle.lua adds it again on
 * every run, which heals a scheduler stopped between the two steps.
 */
export function indexRecurring(redis: RedisClient, keys: KeySpace, id: string, op: string): Promise<number> {
  return withRedis(op, () => redis.sadd(keys.recurring, id), redis);
}

export function recurringIds(redis: RedisClient, keys: KeySpace, op: string): Promise<string[]> {
  return withRedis(op, () => redis.smembers(keys.recurring), redis);
}
