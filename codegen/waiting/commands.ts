/**
 * `jobs-gen verify` and `jobs-gen migrate`, registered on the jobs-gen program: they take the
 * contract from its --schema and --lock, and Redis from their own options.
 */
import { resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { lockPathFor } from "../evolution/lock-file.js";
import { DEFAULT_REDIS_URL } from "../jobs-cli/redis-target.js";
import { runMigrate } from "./migrate.js";
import { processIo, WaitingExit, type WaitingOptions } from "./options.js";
import { runVerify } from "./verify.js";

interface Flags {
  readonly schema: string;
  readonly lock?: string;
  readonly redis: string;
  readonly namespace: string;
  readonly prefix: string;
  readonly json?: boolean;
  readonly examples: number;
  readonly batch: number;
  readonly dryRun?: boolean;
}

const VERIFY_HELP = `
Reads every job that can still run (queued, delayed, retrying, recurring, deferred, executing) in bounded
reads, and judges each as a pool of this build will: pass, migrate (through the versions(...)
steps), reject (grouped by version, JSON pointer and keyword, with example ids), or unknown (an
identity the lock does not know). Read only: it issues no write and runs no script.
The build is the contract jobs-gen reads: its --schema and --lock (jobs-gen --schema FILE verify).

Exit codes: 0 no job would be rejected, 1 some would, 2 the contract or lock cannot be used, or Redis cannot be reached.
See docs/contract-evolution.md (the --json shape too).

Examples:
  $ jobs-gen verify --redis redis://redis.internal:6379 --namespace shop
  $ jobs-gen --schema src/jobs.schema.ts verify --json
`;

const MIGRATE_HELP = `
Rewrites every waiting job of an earlier version (or stamped with no identity) that this build
runs: its payload through the versions(...) steps, its identity to the newest, each a
compare-and-set, so a job claimed, cancelled or changed meanwhile is skipped. Executing jobs, jobs
this build would reject and jobs of unknown identities are left as they are. Refused while a live
pool lacks the newest identity of a type it runs: deploy the new build's pools first.
The build is the contract jobs-gen reads: its --schema and --lock (jobs-gen --schema FILE migrate).

Exit codes: 0 done, 1 refused, or jobs left that would be rejected, 2 the contract or lock cannot be used, or Redis cannot be reached.
See docs/contract-evolution.md.

Examples:
  $ jobs-gen migrate --dry-run
  $ jobs-gen migrate --redis redis://redis.internal:6379 --namespace shop
`;

export function registerWaitingCommands(program: Command): void {
  withRedisOptions(program.command("verify").description("Check every job that can still run in Redis against this build's contract (read only)"))
    .addHelpText("after", VERIFY_HELP)
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runVerify(optionsOf(command), processIo);
    });
  withRedisOptions(program.command("migrate").description("Rewrite the waiting jobs of earlier versions to this build's newest version"))
    .option("--dry-run", "read and report what would be rewritten; write nothing")
    .addHelpText("after", MIGRATE_HELP)
    .action(async (_options: unknown, command: Command) => {
      const flags = command.optsWithGlobals<Flags>();
      process.exitCode = await runMigrate({ ...optionsOf(command), dryRun: flags.dryRun === true }, processIo);
    });
}

function withRedisOptions(command: Command): Command {
  return command
    .addOption(new Option("--redis <url>", "the Redis URL (redis://, rediss://, unix://)").env("REDIS_URL").default(DEFAULT_REDIS_URL))
    .option("--namespace <name>", "the namespace the application uses", "default")
    .option("--prefix <prefix>", "the key prefix the application uses", "tj:")
    .option("--json", "one JSON document on stdout (docs/contract-evolution.md)")
    .option("--examples <n>", "example job ids per rejection group", count, 5)
    .option("--batch <n>", "records per read of Redis", count, 250)
    // A usage error is exit 2 here, as for the typed-jobs CLI; help asked for is 0.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : WaitingExit.usage));
}

function optionsOf(command: Command): WaitingOptions {
  const flags = command.optsWithGlobals<Flags>();
  const schema = resolve(flags.schema);
  return { schema, lock: resolve(flags.lock ?? lockPathFor(schema)), redis: flags.redis, namespace: flags.namespace, prefix: flags.prefix, json: flags.json === true, examples: flags.examples, batch: flags.batch };
}

function count(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new InvalidArgumentError("expected a whole number above 0");
  return Number(text);
}
