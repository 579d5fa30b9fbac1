import type { Command } from "commander";
import type { JobSnapshot, JobStatus, Operations } from "typed-jobs";
import { connected, examples, parseCount, parseStatus } from "../command-kit.js";
import { ContractBook } from "../contract-book.js";
import { jobJson, type JobJson } from "../job-json.js";
import { clip, shownDate } from "../output.js";
import { collectWhere, matchesWhere, parseWhere, type Where } from "../where.js";

/** `typed-jobs ls --json` (docs/cli.md). */
export interface LsJson {
  readonly status: JobStatus;
  readonly type: string | null;
  readonly offset: number;
  readonly limit: number;
  readonly where: Where;
  /** Jobs of the status read to fill the page (more than the page when --where filters). */
  readonly scanned: number;
  readonly jobs: readonly JobJson[];
}

interface LsOptions {
  readonly type?: string;
  readonly limit: number;
  readonly offset: number;
  readonly where: string[];
}

/** Jobs read per call while --where filters. */
const SCAN_PAGE = 500;

export function registerLs(program: Command): void {
  program
    .command("ls")
    .description("List jobs of one status: next to run first for queued and executing, newest first for the others")
    .argument("<status>", "queued, executing, finished, failed, cancelled or rejected", parseStatus)
    .option("--type <type>", "only this job type")
    .option("--limit <n>", "at most this many jobs", parseCount, 50)
    .option("--offset <n>", "skip this many (matching) jobs first", parseCount, 0)
    .option("--where <path=value>", "only jobs whose payload holds value at path (repeatable; filtered here, see below)", collectWhere, [])
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText(
      "after",
      "\n--where is applied by the CLI, not by Redis: jobs of the status are read page by page and\n" +
        "compared here until the page is full, so on a status holding many jobs it reads many.\n" +
        "Paths: a.b or /a/b; values: JSON when they parse (42, true, null, \"42\"), else text.\n" +
        examples("typed-jobs ls failed", "typed-jobs ls queued --type chargeInvoice --limit 10 --offset 10", "typed-jobs ls failed --type chargeInvoice --where amount.currency=EUR --json"),
    )
    .action(
      connected<LsOptions, [JobStatus]>(async ({ out, ops }, options, status) => {
        const where = parseWhere(options.where);
        const book = await ContractBook.read(ops);
        const { jobs, scanned } = await listPage(ops, status, options, where);
        const doc: LsJson = { status, type: options.type ?? null, offset: options.offset, limit: options.limit, where, scanned, jobs: jobs.map((j) => jobJson(j, book)) };
        if (out.json) return out.document(doc);
        out.table(
          ["id", "type", "status", "run at", "attempts", "error", "payload"],
          doc.jobs.map((j) => [j.id, j.type, out.status(j.status), shownDate(new Date(j.runAt)), String(j.attempts), j.error?.message ?? "", out.tty ? clip(JSON.stringify(j.payload), 60) : JSON.stringify(j.payload)]),
        );
        if (out.tty) out.line(out.colors.dim(`${doc.jobs.length} job${doc.jobs.length === 1 ? "" : "s"}${Object.keys(where).length ? ` of ${scanned} read` : ""}`));
      }),
    );
}

/** One page of the listing; with --where, pages of the status are read until the page is full. */
async function listPage(ops: Operations, status: JobStatus, options: LsOptions, where: Where): Promise<{ jobs: JobSnapshot[]; scanned: number }> {
  const type = options.type;
  if (Object.keys(where).length === 0) {
    const jobs = await ops.listJobs(status, { ...(type ? { type } : {}), offset: options.offset, limit: options.limit });
    return { jobs, scanned: jobs.length };
  }
  const jobs: JobSnapshot[] = [];
  let skipped = 0;
  let scanned = 0;
  for (let offset = 0; jobs.length < options.limit; offset += SCAN_PAGE) {
    const page = await ops.listJobs(status, { ...(type ? { type } : {}), offset, limit: SCAN_PAGE });
    scanned += page.length;
    for (const job of page) {
      if (!matchesWhere(job.payload, where)) continue;
      if (skipped < options.offset) skipped++;
      else if (jobs.length < options.limit) jobs.push(job);
    }
    if (page.length < SCAN_PAGE) break;
  }
  return { jobs, scanned };
}
