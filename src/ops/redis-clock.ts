import type { RedisClient } from "../redis/connection.js";
import { withRedis } from "../redis/redis-error.js";

/** Redis's clock in ms: what every script stamps times with, so readers compare like with like. */
export async function redisNow(redis: RedisClient, op: string): Promise<number> {
  const [seconds, micros] = await withRedis(op, () => redis.time(), redis);
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
