import type { CountsByType, QueuedCounts, StatusCountsByType } from "../interfaces.js";
import type { DueStats } from "../redis/scripts/due-stats.js";

/**
 * The counts with their queued jobs split into due and delayed (dueStats.lua's delayed: run-at
 * still ahead by Redis's clock). Read in two round trips sent together: a job promoted between them
 * cannot make `due` negative.
 */
export function withQueuedSplit(counts: StatusCountsByType, types: readonly string[], due: DueStats): CountsByType {
  const byType: Record<string, QueuedCounts> = {};
  const total = { due: 0, delayed: 0 };
  types.forEach((type, i) => {
    const queued = counts.byType[type]!.queued;
    const delayed = Math.min(queued, due.byType[i]!.delayed);
    byType[type] = { due: queued - delayed, delayed };
    total.due += queued - delayed;
    total.delayed += delayed;
  });
  return { ...counts, queued: { total, byType } };
}
