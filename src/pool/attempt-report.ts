import type { AttemptOutcome, AttemptReport } from "../interfaces.js";
import type { RecordHeader } from "../redis/record.js";

/** The event an attempt's settled outcome is told by, if any ("stale", "gone" and "corrupt" are not). */
export function outcomeEvent(outcome: string, error: Error | undefined): AttemptOutcome | undefined {
  if (outcome === "finished" || (outcome === "rescheduled" && !error)) return "finished";
  if (outcome === "retried") return "retried";
  if (outcome === "failed" || outcome === "rescheduled") return "failed";
  if (outcome === "rejected") return "rejected";
  if (outcome === "cancelled") return "cancelled";
  return undefined;
}

/**
 * The `attempt` event's report of a settled attempt, or undefined for a settle that was not the
 * attempt's to tell (stale, gone). The wait runs from run-at to the claim's start time, both from
 * Redis's clock, so pools on skewed hosts agree.
 */
export function attemptReport(id: string, header: RecordHeader, outcome: string, error: Error | undefined, handlerMs: number | undefined): AttemptReport | undefined {
  const told = outcomeEvent(outcome, error);
  if (!told) return undefined;
  const waitMs = header.st === undefined ? 0 : Math.max(0, header.st - header.at);
  return { id, type: header.t, attempt: header.a ?? 0, outcome: told, handlerMs, waitMs, error: told === "finished" || told === "cancelled" ? undefined : error };
}
