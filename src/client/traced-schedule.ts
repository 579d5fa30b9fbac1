import type { ScheduleEntry } from "../redis/scripts/schedule.js";
import { startScheduleSpan } from "../tracing/schedule-span.js";
import type { StoredTraceContext } from "../tracing/trace-context.js";

/**
 * Makes a schedule call's entries and writes them, inside one producer span when a tracer is
 * registered: every job of the call stores that span's context (a bulk call links one span to all
 * its jobs). Without a tracer the entries carry nothing more.
 */
export function tracedSchedule<T>(
  type: string,
  count: number,
  entriesOf: (traceContext: StoredTraceContext | undefined) => ScheduleEntry[],
  write: (entries: ScheduleEntry[]) => Promise<T>,
): Promise<T> {
  const span = startScheduleSpan(type, count);
  if (!span) return write(entriesOf(undefined));
  let entries: ScheduleEntry[];
  try {
    entries = entriesOf(span.stored);
  } catch (error) {
    span.fail(error);
    throw error;
  }
  return span.run(() => write(entries), entries.length === 1 ? entries[0]!.id : undefined);
}
