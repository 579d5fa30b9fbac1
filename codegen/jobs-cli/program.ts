import { Command, Option } from "commander";
import { registerContracts } from "./commands/contracts.js";
import { registerDashboard } from "./commands/dashboard.js";
import { registerJobActions } from "./commands/job-actions.js";
import { registerLs } from "./commands/ls.js";
import { registerMetrics } from "./commands/metrics.js";
import { registerPause } from "./commands/pause.js";
import { registerPools } from "./commands/pools.js";
import { registerRecurring } from "./commands/recurring.js";
import { registerScripts } from "./commands/scripts.js";
import { registerShow } from "./commands/show.js";
import { registerStats } from "./commands/stats.js";
import { DEFAULT_REDIS_URL } from "./redis-target.js";

export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  not found (a job, a job type), or refused: a job in a status the action does not apply to, a bulk action not confirmed
  2  usage error, bad option (a --where path the type's schema lacks or marks sensitive), or Redis cannot be reached
`;

/** The `typed-jobs` command line: every command reads or acts through the typed-jobs Operations. */
export function buildProgram(): Command {
  const program = new Command()
    .name("typed-jobs")
    .description("Inspect and operate the typed-jobs jobs of one namespace: stats, listings, retries, bulk actions, pause and resume, and the web dashboard.")
    .addOption(new Option("--redis <url>", "the Redis URL (redis://, rediss://, unix://)").env("REDIS_URL").default(DEFAULT_REDIS_URL))
    .option("--namespace <name>", "the namespace the application uses", "default")
    .option("--prefix <prefix>", "the key prefix the application uses", "tj:")
    .option("--verbose", "show the stack of an error")
    .option("--show-unregistered", "print payloads of job types with no registered schema (withheld by default: nothing says which fields are sensitive)")
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText("after", `${EXIT_CODES_HELP}
Examples:
  $ typed-jobs stats
  $ typed-jobs ls failed --type chargeInvoice --limit 20
  $ typed-jobs show 01JD3Q4W8X9ZC2K7T5M6N8P0RS
  $ typed-jobs retry --all --type chargeInvoice --status failed --older-than 1h --yes
  $ REDIS_URL=redis://:secret@redis.internal:6379 typed-jobs --namespace shop pools --json
  $ typed-jobs dashboard --read-only

Every read command takes --json: one JSON document, its shape documented in docs/cli.md.
`);
  registerStats(program);
  registerLs(program);
  registerShow(program);
  registerJobActions(program);
  registerPause(program);
  registerPools(program);
  registerRecurring(program);
  registerContracts(program);
  registerScripts(program);
  registerMetrics(program);
  registerDashboard(program);
  return program;
}
