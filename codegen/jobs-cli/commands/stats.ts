import type { Command } from "commander";
import { JOB_STATUSES, type StatusCounts, type TypeStats } from "typed-jobs";
import { usageError } from "../cli-error.js";
import { connected, examples, parseCount } from "../command-kit.js";
import { shownDate, shownMs, type Output } from "../output.js";

/** `typed-jobs stats --json` (docs/cli.md). */
export interface StatsJson {
  readonly at: string;
  readonly total: StatusCounts;
  readonly types: readonly ({ readonly type: string } & TypeStats)[];
  readonly livePools: number;
  /** With --type: that type's jobs finished and attempts failed per minute, oldest first; else null. */
  readonly throughput: readonly ThroughputJson[] | null;
}

export interface ThroughputJson {
  /** The start of the minute. */
  readonly minute: string;
  readonly finished: number;
  readonly failed: number;
}

interface StatsOptions {
  readonly type?: string;
  readonly minutes?: number;
}

/** The throughput series keeps a day of minutes. */
const MAX_MINUTES = 1440;
const DEFAULT_MINUTES = 60;

export function registerStats(program: Command): void {
  program
    .command("stats")
    .description("Per job type: jobs by status, delayed jobs, queue latency (age of the oldest due job), paused; totals; live pools")
    .option("--type <type>", "only this job type (totals then count it alone), with its throughput per minute")
    .option("--minutes <n>", `with --type: the throughput of the last n minutes (1 to ${MAX_MINUTES}; default ${DEFAULT_MINUTES})`, parseCount)
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs stats", "typed-jobs stats --type chargeInvoice --minutes 15", "typed-jobs stats --type chargeInvoice --json", "REDIS_URL=redis://:secret@redis:6379 typed-jobs stats --namespace shop"))
    .action(
      connected<StatsOptions, []>(async ({ out, ops }, options) => {
        const stats = await ops.stats();
        const points = options.type === undefined ? null : await ops.throughput(options.type, options.minutes ?? DEFAULT_MINUTES);
        const throughput = points?.map((p) => ({ minute: p.minute.toISOString(), finished: p.finished, failed: p.failed })) ?? null;
        const types = Object.entries(stats.byType)
          .filter(([type]) => options.type === undefined || type === options.type)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, s]) => ({ type, counts: { ...s.counts }, delayed: s.delayed, oldestDueAgeMs: s.oldestDueAgeMs, paused: s.paused }));
        const total = options.type === undefined ? { ...stats.total } : (types[0]?.counts ?? emptyCounts());
        const doc: StatsJson = { at: stats.at.toISOString(), total, types, livePools: stats.pools.length, throughput };
        if (out.json) return out.document(doc);
        const c = out.colors;
        out.table(
          ["type", ...JOB_STATUSES, "delayed", "latency", "paused"],
          [
            ...types.map((t) => [t.type, ...JOB_STATUSES.map((s) => String(t.counts[s])), String(t.delayed), shownMs(t.oldestDueAgeMs), t.paused ? c.yellow("paused") : "-"]),
            [c.bold("total"), ...JOB_STATUSES.map((s) => c.bold(String(total[s]))), "", "", ""],
          ],
        );
        out.line(`${doc.livePools} live pool${doc.livePools === 1 ? "" : "s"} · read at ${shownDate(stats.at)}`);
        if (throughput) printThroughput(out, options.type!, throughput);
      }, checkStatsUsage),
    );
}

function checkStatsUsage(options: StatsOptions): void {
  if (options.minutes === undefined) return;
  if (options.type === undefined) throw usageError("typed-jobs stats --minutes needs --type: throughput is per job type");
  if (options.minutes < 1 || options.minutes > MAX_MINUTES) throw usageError(`typed-jobs stats --minutes: expected 1 to ${MAX_MINUTES}, got ${options.minutes}`);
}

/** The totals over the window, then only the minutes in which jobs settled. */
function printThroughput(out: Output, type: string, points: readonly ThroughputJson[]): void {
  const finished = points.reduce((sum, p) => sum + p.finished, 0);
  const failed = points.reduce((sum, p) => sum + p.failed, 0);
  out.line(`${type}, last ${points.length} minute${points.length === 1 ? "" : "s"}: ${finished} finished, ${failed} failed attempt${failed === 1 ? "" : "s"}`);
  const busy = points.filter((p) => p.finished > 0 || p.failed > 0);
  if (busy.length > 0) out.table(["minute", "finished", "failed"], busy.map((p) => [shownDate(new Date(p.minute)), String(p.finished), String(p.failed)]));
}

function emptyCounts(): StatusCounts {
  return { queued: 0, executing: 0, finished: 0, failed: 0, cancelled: 0, rejected: 0, deferred: 0 };
}
