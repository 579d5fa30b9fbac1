import type { Command } from "commander";
import { payloadMatches, type JobSnapshot, type JobStatus, type Operations } from "typed-jobs";
import { usageError } from "../cli-error.js";
import { connected, examples, parseCount, parseStatus } from "../command-kit.js";
import { ContractBook } from "../contract-book.js";
import { jobJson, type JobJson } from "../job-json.js";
import { clip, shownDate } from "../output.js";
import { checkWhere, collectWhere, parseWhere, type Where, type WhereCondition } from "../where.js";

/** `typed-jobs ls --json` (docs/cli.md). */
export interface LsJson {
  readonly status: JobStatus;
  readonly type: string | null;
  readonly offset: number;
  readonly limit: number;
  readonly where: Where;
  /** Jobs of the status read to fill the page (more than the page when --where filters). */
  readonly scanned: number;
  /** --where stopped at --scan-limit jobs read before the page was full: more matches may exist. */
  readonly truncated: boolean;
  readonly jobs: readonly JobJson[];
}

interface LsOptions {
  readonly type?: string;
  readonly limit: number;
  readonly offset: number;
  readonly where: string[];
  readonly scanLimit: number;
}

interface Listed {
  readonly jobs: JobSnapshot[];
  readonly scanned: number;
  readonly truncated: boolean;
}

/** Jobs read per call while --where filters. */
const SCAN_PAGE = 500;
/** Jobs --where reads at most by default: a bound on what one listing costs Redis and the CLI. */
const DEFAULT_SCAN_LIMIT = 10_000;

export function registerLs(program: Command): void {
  program
    .command("ls")
    .description("List jobs of one status: next to run first for queued and executing, newest first for the others")
    .argument("<status>", "queued, executing, finished, failed, cancelled or rejected", parseStatus)
    .option("--type <type>", "only this job type")
    .option("--limit <n>", "at most this many jobs", parseCount, 50)
    .option("--offset <n>", "skip this many (matching) jobs first", parseCount, 0)
    .option("--where <path=value>", "with --type: only jobs whose payload holds value at path (repeatable; filtered here, see below)", collectWhere, [])
    .option("--scan-limit <n>", "with --where: read at most this many jobs of the status", parseCount, DEFAULT_SCAN_LIMIT)
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText(
      "after",
      "\n--where is applied by the CLI, not by Redis: jobs of the status are read page by page and\n" +
        "compared here until the page is full or --scan-limit jobs were read (then `truncated`).\n" +
        "Each path is checked against the type's registered schema first; a sensitive field is refused.\n" +
        "Paths: a.b or /a/b; values: JSON when they parse (42, true, null, \"42\"), else text.\n" +
        examples("typed-jobs ls failed", "typed-jobs ls queued --type chargeInvoice --limit 10 --offset 10", "typed-jobs ls failed --type chargeInvoice --where amount.currency=EUR --json"),
    )
    .action(
      connected<LsOptions, [JobStatus]>(async ({ out, ops, target }, options, status) => {
        const where = parseWhere(options.where);
        const book = await ContractBook.read(ops, target);
        const conditions = options.type === undefined ? [] : checkWhere(book, "ls", options.type, where);
        const { jobs, scanned, truncated } = await listPage(ops, status, options, conditions);
        const doc: LsJson = { status, type: options.type ?? null, offset: options.offset, limit: options.limit, where, scanned, truncated, jobs: jobs.map((j) => jobJson(j, book)) };
        if (out.json) return out.document(doc);
        out.table(
          ["id", "type", "status", "run at", "attempts", "error", "payload"],
          doc.jobs.map((j) => [j.id, j.type, out.status(j.status), shownDate(new Date(j.runAt)), String(j.attempts), j.error?.message ?? deferredNote(j), out.tty ? clip(JSON.stringify(j.payload), 60) : JSON.stringify(j.payload)]),
        );
        if (out.tty) out.line(out.colors.dim(`${doc.jobs.length} job${doc.jobs.length === 1 ? "" : "s"}${conditions.length ? ` of ${scanned} read` : ""}`));
        if (truncated) console.error(`typed-jobs: stopped after reading ${scanned} jobs (--scan-limit); more may match`);
      }, checkLsUsage),
    );
}

/** For a deferred job, in the error column: the identity no pool knew, and until when it waits. */
function deferredNote(job: JobJson): string {
  return job.deferred ? `identity ${job.deferred.identity} unknown to its pools; waits until ${shownDate(new Date(job.deferred.deadline))}` : "";
}

function checkLsUsage(options: LsOptions): void {
  if (options.where.length > 0 && options.type === undefined) throw usageError("typed-jobs ls --where needs --type: each path is checked against that type's payload schema");
}

/**
 * One page of the listing. With --where, the status is read forward in pages (the offset grows; a
 * job met twice as the list moves counts once) until the page is full, the status ends, or
 * --scan-limit jobs were read.
 */
async function listPage(ops: Operations, status: JobStatus, options: LsOptions, where: readonly WhereCondition[]): Promise<Listed> {
  const type = options.type;
  if (where.length === 0) {
    const jobs = await ops.listJobs(status, { ...(type ? { type } : {}), offset: options.offset, limit: options.limit });
    return { jobs, scanned: jobs.length, truncated: false };
  }
  const jobs: JobSnapshot[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let scanned = 0;
  for (let offset = 0; jobs.length < options.limit; offset += SCAN_PAGE) {
    if (scanned >= options.scanLimit) return { jobs, scanned, truncated: true };
    const page = await ops.listJobs(status, { ...(type ? { type } : {}), offset, limit: Math.min(SCAN_PAGE, options.scanLimit - scanned) });
    scanned += page.length;
    for (const job of page) {
      if (seen.has(job.id) || !payloadMatches(job.payload, where)) continue;
      seen.add(job.id);
      if (skipped < options.offset) skipped++;
      else if (jobs.length < options.limit) jobs.push(job);
    }
    if (page.length < SCAN_PAGE && scanned < options.scanLimit) break;
  }
  return { jobs, scanned, truncated: false };
}
