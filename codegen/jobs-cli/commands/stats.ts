import type { Command } from "commander";
import { JOB_STATUSES, type StatusCounts, type TypeStats } from "typed-jobs";
import { connected, examples } from "../command-kit.js";
import { shownDate, shownMs } from "../output.js";

/** `typed-jobs stats --json` (docs/cli.md). */
export interface StatsJson {
  readonly at: string;
  readonly total: StatusCounts;
  readonly types: readonly ({ readonly type: string } & TypeStats)[];
  readonly livePools: number;
}

export function registerStats(program: Command): void {
  program
    .command("stats")
    .description("Per job type: jobs by status, delayed jobs, queue latency (age of the oldest due job), paused; totals; live pools")
    .option("--type <type>", "only this job type (totals then count it alone)")
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs stats", "typed-jobs stats --type chargeInvoice --json", "REDIS_URL=redis://:secret@redis:6379 typed-jobs stats --namespace shop"))
    .action(
      connected<{ type?: string }, []>(async ({ out, ops }, options) => {
        const stats = await ops.stats();
        const types = Object.entries(stats.byType)
          .filter(([type]) => options.type === undefined || type === options.type)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, s]) => ({ type, counts: { ...s.counts }, delayed: s.delayed, oldestDueAgeMs: s.oldestDueAgeMs, paused: s.paused }));
        const total = options.type === undefined ? { ...stats.total } : (types[0]?.counts ?? emptyCounts());
        const doc: StatsJson = { at: stats.at.toISOString(), total, types, livePools: stats.pools.length };
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
      }),
    );
}

function emptyCounts(): StatusCounts {
  return { queued: 0, executing: 0, finished: 0, failed: 0, cancelled: 0, rejected: 0 };
}
