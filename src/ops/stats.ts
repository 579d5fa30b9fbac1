import type { Stats, ThroughputTotals, TypeStats } from "../interfaces.js";
import { withRedis } from "../redis/redis-error.js";
import { dueStats } from "../redis/scripts/due-stats.js";
import type { OpsContext } from "./ops-context.js";
import { readPools } from "./pools.js";

/**
 * Every type's counts (exactly `counts()`'s), delayed jobs, the wait of its oldest due job, its
 * paused state and the last hour's throughput, with the live pools. A fixed number of round trips whatever the number of jobs: the
 * counts, one dueStats.lua call over every type, the paused set and the pools, sent together.
 */
export async function readStats(ctx: OpsContext): Promise<Stats> {
  const types = await ctx.queries.types(ctx.knownTypes);
  const [counts, due, paused, pools] = await Promise.all([
    ctx.queries.counts(types),
    dueStats(ctx.runner, types),
    withRedis("stats", () => ctx.redis.smembers(ctx.keys.paused), ctx.redis),
    readPools(ctx),
  ]);
  const pausedSet = new Set(paused);
  const byType: Record<string, TypeStats> = {};
  const lastHour: Record<string, ThroughputTotals> = {};
  types.forEach((type, i) => {
    const { delayed, earliestDueAt } = due.byType[i]!;
    byType[type] = {
      counts: counts.byType[type]!,
      delayed,
      oldestDueAgeMs: earliestDueAt === null ? null : Math.max(0, due.now - earliestDueAt),
      paused: pausedSet.has(type),
    };
    lastHour[type] = due.byType[i]!.lastHour;
  });
  return { at: new Date(due.now), total: counts.total, byType, lastHour, pools };
}
