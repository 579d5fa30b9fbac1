import type { Command } from "commander";
import { JobsError, type BulkProgress, type JobSnapshot, type JobStatus, type Operations } from "typed-jobs";
import { ExitCode, exitCodeOf, errorCodeOf, describeError, usageError } from "../cli-error.js";
import { connected, examples, parseStatus, type CommandContext } from "../command-kit.js";
import { confirm } from "../confirm.js";
import { ContractBook } from "../contract-book.js";
import { progressJson } from "../job-json.js";
import { ProgressLine } from "../progress.js";
import { checkWhere, collectWhere, parseWhere, type Where } from "../where.js";

export type JobAction = "retry" | "cancel" | "destroy" | "promote";

/** `typed-jobs retry|cancel|destroy|promote <id...> --json` (docs/cli.md). */
export interface ActionJson {
  readonly action: JobAction;
  readonly results: readonly {
    readonly id: string;
    readonly ok: boolean;
    /** The job's status afterwards; null when destroyed or on error. */
    readonly status: JobStatus | null;
    readonly error: { readonly code: string; readonly message: string } | null;
  }[];
}

/** `typed-jobs retry|cancel|destroy --all ... --json` (docs/cli.md). */
export interface BulkJson {
  readonly action: Exclude<JobAction, "promote">;
  readonly selection: { readonly type: string; readonly status: JobStatus; readonly olderThan: string | null; readonly where: Where };
  readonly progress: BulkProgress;
}

interface ActionOptions {
  readonly all?: boolean;
  readonly type?: string;
  readonly status?: JobStatus;
  readonly olderThan?: string;
  readonly where?: string[];
  readonly yes?: boolean;
  readonly json?: boolean;
}

interface ActionSpec {
  readonly description: string;
  readonly done: string;
  readonly one: (ops: Operations, id: string) => Promise<JobSnapshot | void>;
  readonly bulk?: { readonly statuses: string; readonly run: (ops: Operations, ...a: Parameters<Operations["retryAll"]>) => Promise<BulkProgress> };
  readonly examples: readonly string[];
}

const specs: Record<JobAction, ActionSpec> = {
  retry: {
    description: "Queue failed, rejected or cancelled jobs again now, with a fresh retry budget",
    done: "retried",
    one: (ops, id) => ops.retry(id),
    bulk: { statuses: "failed, rejected or cancelled", run: (ops, s, o) => ops.retryAll(s, o) },
    examples: ["typed-jobs retry 01JD3Q4W8X9ZC2K7T5M6N8P0RS", "typed-jobs retry --all --type chargeInvoice --status failed --older-than 1h", "typed-jobs retry --all --type chargeInvoice --status failed --where amount.currency=EUR --yes --json"],
  },
  cancel: {
    description: "Cancel jobs: a queued one at once, an executing one when its attempt ends",
    done: "cancelled",
    one: (ops, id) => ops.cancel(id),
    bulk: { statuses: "queued or deferred", run: (ops, s, o) => ops.cancelAll(s, o) },
    examples: ["typed-jobs cancel 01JD3Q4W8X9ZC2K7T5M6N8P0RS", "typed-jobs cancel --all --type nightlyReport --status queued --yes"],
  },
  destroy: {
    description: "Delete jobs and every trace of them",
    done: "destroyed",
    one: (ops, id) => ops.destroy(id),
    bulk: { statuses: "finished, failed, cancelled or rejected", run: (ops, s, o) => ops.destroyAll(s, o) },
    examples: ["typed-jobs destroy 01JD3Q4W8X9ZC2K7T5M6N8P0RS 01JD3Q4W8X9ZC2K7T5M6N8P0RT", "typed-jobs destroy --all --type resizeImage --status failed --older-than 7d --yes"],
  },
  promote: {
    description: "Make delayed jobs (a retry's backoff, a recurring job's next run) due now",
    done: "promoted",
    one: (ops, id) => ops.promote(id),
    examples: ["typed-jobs promote 01JD3Q4W8X9ZC2K7T5M6N8P0RS"],
  },
};

export function registerJobActions(program: Command): void {
  for (const action of ["retry", "cancel", "destroy", "promote"] as const) registerAction(program, action, specs[action]);
}

function registerAction(program: Command, action: JobAction, spec: ActionSpec): void {
  const command = program.command(action).description(spec.description).argument("[ids...]", "job ids");
  const bulk = spec.bulk;
  if (bulk) {
    command
      .option("--all", `act on every job of --type and --status (${bulk.statuses}) instead of ids, in bounded batches`)
      .option("--type <type>", "with --all: the job type")
      .option("--status <status>", `with --all: the status (${bulk.statuses})`, parseStatus)
      .option("--older-than <duration>", 'with --all: only jobs that entered the status longer ago ("30m", "1h", "7d", or ms)')
      .option("--where <path=value>", "with --all: only jobs whose payload holds value at path (repeatable); the path is checked against the type's schema first", collectWhere, [])
      .option("-y, --yes", "with --all: do not ask for confirmation (required when stdin is not a terminal)");
  }
  const bulkHelp = bulk ? `\nWith --all, a terminal asks for confirmation first (unless --yes) and shows progress;\nwithout a terminal and without --yes the command refuses with exit 1.\n` : "";
  command
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", `${examples(...spec.examples)}${bulkHelp}\nExit code 1 when a job is not found or in a status the action does not apply to (the other ids are still acted on).\n`)
    .action(
      connected<ActionOptions, [string[]]>(
        (ctx, options, ids) => (options.all ? runBulk(ctx, action, options) : runEach(ctx, action, ids)),
        (options, ids) => checkUsage(action, options, ids),
      ),
    );
}

function checkUsage(action: JobAction, options: ActionOptions, ids: readonly string[]): void {
  if (options.all) {
    if (ids.length > 0) throw usageError(`typed-jobs ${action}: give job ids or --all, not both`);
    if (!options.type) throw usageError(`typed-jobs ${action} --all needs --type`);
    if (!options.status) throw usageError(`typed-jobs ${action} --all needs --status`);
    return;
  }
  const stray = (["type", "status", "olderThan", "yes"] as const).filter((o) => options[o] !== undefined);
  if (stray.length > 0 || (options.where?.length ?? 0) > 0) throw usageError(`typed-jobs ${action}: --type, --status, --older-than, --where and --yes go with --all`);
  if (ids.length === 0) throw usageError(`typed-jobs ${action}: give one or more job ids${specs[action].bulk ? ", or --all with --type and --status" : ""}`);
}

async function runEach({ out, ops, target }: CommandContext, action: JobAction, ids: readonly string[]): Promise<number> {
  const results: ActionJson["results"][number][] = [];
  let code: number = ExitCode.ok;
  for (const id of ids) {
    try {
      const after = await specs[action].one(ops, id);
      results.push({ id, ok: true, status: after ? after.status : null, error: null });
      if (!out.json) out.line(`${specs[action].done} ${id}${after ? ` (now ${out.status(after.status)})` : ""}`);
    } catch (error) {
      // Jobs that are gone or in the wrong state are reported and the rest still acted on; a broken connection stops here.
      if (!(error instanceof JobsError) || exitCodeOf(error) !== ExitCode.failed) throw error;
      results.push({ id, ok: false, status: null, error: { code: errorCodeOf(error), message: error.message } });
      if (!out.json) console.error(describeError(error, target.verbose));
      code = ExitCode.failed;
    }
  }
  if (out.json) out.document({ action, results } satisfies ActionJson);
  return code;
}

async function runBulk({ out, ops }: CommandContext, action: JobAction, options: ActionOptions): Promise<void> {
  const spec = specs[action];
  if (!spec.bulk || !options.type || !options.status) throw usageError(`typed-jobs ${action} has no --all form`);
  const where = parseWhere(options.where ?? []);
  // The runtime checks each path against the schema too, but lets a sensitive field through. With no
  // schema registered the runtime's own refusal (an unknown type, an unchecked path) is the one given.
  const book = await ContractBook.read(ops);
  if (book.newestSchema(options.type) !== undefined) checkWhere(book, `${action}All`, options.type, where);
  const olderThan = options.olderThan === undefined ? undefined : /^\d+$/.test(options.olderThan) ? Number(options.olderThan) : options.olderThan;
  const selection = { type: options.type, status: options.status, ...(olderThan === undefined ? {} : { olderThan }), ...(Object.keys(where).length ? { where } : {}) };
  if (!options.yes) {
    const counts = await ops.counts();
    const upTo = counts.byType[options.type]?.[options.status] ?? 0;
    const narrowed = olderThan !== undefined || Object.keys(where).length > 0 ? "up to " : "";
    await confirm(`${action} ${narrowed}${upTo} ${options.status} ${options.type} job${upTo === 1 ? "" : "s"}${describeSelection(options.olderThan, where)}?`);
  }
  const progressLine = new ProgressLine(action);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  let progress: BulkProgress;
  try {
    progress = await spec.bulk.run(ops, selection, { onProgress: (p) => progressLine.update(p), signal: controller.signal });
  } finally {
    process.off("SIGINT", stop);
    progressLine.end();
  }
  const doc: BulkJson = { action: action as BulkJson["action"], selection: { type: options.type, status: options.status, olderThan: options.olderThan ?? null, where }, progress: progressJson(progress) };
  if (out.json) return out.document(doc);
  out.line(`${spec.done} ${progress.changed} of ${progress.matched} matching ${options.status} ${options.type} jobs (${progress.scanned} scanned in ${progress.batches} batch${progress.batches === 1 ? "" : "es"})`);
}

function describeSelection(olderThan: string | undefined, where: Where): string {
  const parts = [olderThan ? `older than ${olderThan}` : "", ...Object.entries(where).map(([p, v]) => `${p} = ${JSON.stringify(v)}`)].filter(Boolean);
  return parts.length ? ` (${parts.join(", ")})` : "";
}
