import type { ThroughputPoint } from "../interfaces.js";
import { withRedis } from "../redis/redis-error.js";
import type { OpsContext } from "./ops-context.js";
import { redisNow } from "./redis-clock.js";

/** The series' minute, in ms (includes/throughput.lua keeps the same). */
export const MINUTE_MS = 60_000;
/** How many minutes a series keeps (includes/throughput.lua prunes older ones). */
export const MINUTES_KEPT = 1440;

/**
 * A type's jobs finished and attempts failed per minute over the last `minutes` (the current one
 * included), oldest first, from the series settle.lua keeps in throughput:<type>. A minute with
 * nothing settled is a point of zeros.
 */
export async function readThroughput(ctx: OpsContext, type: string, minutes: number): Promise<ThroughputPoint[]> {
  const count = Math.min(Math.max(1, Math.floor(minutes)), MINUTES_KEPT);
  const current = Math.floor((await redisNow(ctx.redis, "throughput")) / MINUTE_MS);
  const first = current - count + 1;
  const fields: string[] = [];
  for (let m = first; m <= current; m++) fields.push(`${m}:finished`, `${m}:failed`);
  const key = ctx.keys.forType(type).throughput;
  const values = await withRedis("throughput", () => ctx.redis.hmget(key, ...fields), ctx.redis);
  const points: ThroughputPoint[] = [];
  for (let i = 0; i < count; i++) {
    points.push({ minute: new Date((first + i) * MINUTE_MS), finished: Number(values[2 * i] ?? 0), failed: Number(values[2 * i + 1] ?? 0) });
  }
  return points;
}
