import type { Command } from "commander";
import { connected, examples } from "../command-kit.js";
import { ContractBook } from "../contract-book.js";
import { contractJson, jobJson, type ContractJson, type JobJson } from "../job-json.js";
import { shownDate, type Output } from "../output.js";

/** `typed-jobs show --json` (docs/cli.md). */
export interface ShowJson {
  readonly job: JobJson;
  readonly contract: ContractJson;
}

export function registerShow(program: Command): void {
  program
    .command("show")
    .description("One job: payload (sensitive fields masked), its schema hash and whether it passes the newest contract, error with stack, attempts, timings")
    .argument("<id>", "the job's id")
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", `${examples("typed-jobs show 01JD3Q4W8X9ZC2K7T5M6N8P0RS", "typed-jobs show 01JD3Q4W8X9ZC2K7T5M6N8P0RS --json | jq .job.error.stack")}\nExit code 1 when there is no such job.\n`)
    .action(
      connected<object, [string]>(async ({ out, ops, target }, _options, id) => {
        const job = await ops.findJob(id);
        const book = await ContractBook.read(ops, target);
        const doc: ShowJson = { job: jobJson(job, book), contract: contractJson(job, book) };
        if (out.json) return out.document(doc);
        printJob(out, doc);
      }),
    );
}

function printJob(out: Output, { job, contract }: ShowJson): void {
  const c = out.colors;
  const field = (name: string, value: string): void => out.line(`  ${c.dim(name.padEnd(12))}${value}`);
  const date = (iso: string | null): string => shownDate(iso === null ? null : new Date(iso));
  out.line(`${c.bold(job.id)}  ${job.type}  ${out.status(job.status)}${job.cancelRequested ? c.yellow(" (cancel requested)") : ""}`);
  field("priority", String(job.priority));
  field("attempts", `${job.attempts} (retries left ${job.retriesLeft} of ${job.retries})`);
  field("created", date(job.createdAt));
  field("run at", date(job.runAt));
  field("started", date(job.startedAt));
  field("finished", `${date(job.finishedAt)}${job.durationMs === null ? "" : ` (${job.durationMs} ms)`}`);
  if (job.recurrence) field("recurs", "every" in job.recurrence ? `every ${job.recurrence.every} ms` : `cron ${job.recurrence.cron}${job.recurrence.timezone ? ` (${job.recurrence.timezone})` : ""}`);
  if (job.poolId) field("pool", job.poolId);
  if (job.deferred) field("deferred", `identity ${job.deferred.identity} unknown to the pools that claimed it, since ${date(job.deferred.since)}; rejected after ${date(job.deferred.deadline)} unless a pool that knows it takes it`);
  const newest = contract.newestSchemaHash === null ? "no contract registered" : contract.newestSchemaHash === contract.schemaHash ? "the newest" : `newest is ${contract.newestSchemaHash}`;
  field("schema", `${contract.schemaHash ?? "-"} (${newest})`);
  field("contract", `passes the newest: ${out.verdict(contract.passes)}`);
  out.line(c.bold("payload"));
  out.line(indent(JSON.stringify(job.payload, null, 2)));
  if (job.error) {
    out.line(c.bold(c.red("error")));
    out.line(indent(job.error.stack ?? `${job.error.name}: ${job.error.message}`));
    for (const issue of job.error.issues) out.line(indent(`${issue.path || "/"}: ${issue.message}`));
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
