import type { Command } from "commander";
import { connected, examples } from "../command-kit.js";
import { ContractBook } from "../contract-book.js";
import { contractJson, jobJson, type ContractJson, type JobJson } from "../job-json.js";
import { clip, shownDate } from "../output.js";

/** `typed-jobs recurring --json` (docs/cli.md). */
export interface RecurringJson {
  readonly recurring: readonly { readonly job: JobJson; readonly nextRunAt: string; readonly contract: ContractJson }[];
}

export function registerRecurring(program: Command): void {
  program
    .command("recurring")
    .description("Every recurring job, next run first, and whether its payload passes today's contract of its type")
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs recurring", "typed-jobs recurring --json"))
    .action(
      connected<object, []>(async ({ out, ops, target }) => {
        const jobs = await ops.recurring();
        const book = await ContractBook.read(ops, target);
        const doc: RecurringJson = { recurring: jobs.map((job) => ({ job: jobJson(job, book), nextRunAt: job.runAt.toISOString(), contract: contractJson(job, book) })) };
        if (out.json) return out.document(doc);
        out.table(
          ["id", "type", "schedule", "next run", "status", "passes contract", "payload"],
          doc.recurring.map(({ job, nextRunAt, contract }) => [
            job.id,
            job.type,
            !job.recurrence ? "-" : "every" in job.recurrence ? `every ${job.recurrence.every} ms` : `${job.recurrence.cron}${job.recurrence.timezone ? ` ${job.recurrence.timezone}` : ""}`,
            shownDate(new Date(nextRunAt)),
            out.status(job.status),
            out.verdict(contract.passes),
            out.tty ? clip(JSON.stringify(job.payload), 60) : JSON.stringify(job.payload),
          ]),
        );
      }),
    );
}
