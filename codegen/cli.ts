#!/usr/bin/env node
/**
 * jobs-gen: turns `jobs.schema.ts` into the typed module of schedule functions, validators and pools.
 * Exit codes: 0 done (or fresh with --check), 1 stale (--check), 2 the contract cannot be generated.
 */
import { realpathSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { checkCompatibility } from "./evolution/compatibility.js";
import { lockPathFor, lockText } from "./evolution/lock-file.js";
import { checkReport, reportText } from "./evolution/report.js";
import { generate } from "./generate.js";
import { registerWaitingCommands } from "./waiting/commands.js";
import { formatDiagnostic } from "./model.js";
import { watchSchema } from "./watch.js";
import { staleness, writeGenerated } from "./write.js";

interface CliOptions {
  readonly schema: string;
  readonly out?: string;
  readonly lock?: string;
  readonly check?: boolean;
  readonly format: "text" | "json";
  readonly watch?: boolean;
}

/** Where jobs-gen writes its lines: the console, or a test's buffers. */
export type CliOutput = Pick<Console, "log" | "error">;

/** Runs jobs-gen with the arguments that follow the script's name; resolves to the exit code. */
export async function main(args: readonly string[], output: CliOutput = console): Promise<number> {
  let code = 0;
  const program = new Command()
    .name("jobs-gen")
    .description("Generate the typed jobs module (schedule functions, AOT validators, encoders, createPool) from a defineJobs contract.")
    .option("-s, --schema <file>", "the contract: a module whose default export is defineJobs({...})", "jobs.schema.ts")
    .option("-o, --out <file>", "the module to write (default: jobs.generated.ts beside the schema)")
    .option("-l, --lock <file>", "the contract's history (default: jobs.lock.json beside the schema, <name>.lock.json for <name>.schema.ts)")
    .option("--check", "write nothing; exit 1 when the module or the lock is stale, or when a type's change breaks jobs that may still wait (for CI)")
    .addOption(new Option("--format <format>", "how --check reports").choices(["text", "json"]).default("text"))
    .option("-w, --watch", "regenerate whenever the schema file or a file it imports changes")
    .addHelpText("after", "\nExit codes: 0 written or fresh, 1 stale or breaking (--check), 2 the contract has errors (nothing written).\nSee docs/contract-evolution.md for the compatibility rules.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.log(text.replace(/\n$/, "")), writeErr: (text) => output.error(text.replace(/\n$/, "")) })
    .action(async (options: CliOptions) => {
      const schema = resolve(options.schema);
      const out = resolve(options.out ?? join(dirname(schema), "jobs.generated.ts"));
      const lock = resolve(options.lock ?? lockPathFor(schema));
      if (options.watch) return watchAndGenerate(schema, out, lock, output);
      code = await runOnce(schema, out, lock, options.check === true, options.format, output);
    });
  registerWaitingCommands(program);
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    // commander has printed the help (exit 0) or the usage error.
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return code;
}

/** One generation; returns the exit code. */
async function runOnce(schema: string, out: string, lock: string, checkOnly: boolean, format: "text" | "json", output: CliOutput): Promise<number> {
  const result = await generate(schema, out, process.cwd(), lock);
  const shown = relative(process.cwd(), out) || out;
  const lockShown = relative(process.cwd(), lock) || lock;
  if (!result.ok) {
    for (const d of result.diagnostics) output.error(formatDiagnostic(d));
    output.error(`jobs-gen: ${shown} not written (${result.diagnostics.length} error${result.diagnostics.length === 1 ? "" : "s"})`);
    return 2;
  }
  const newLock = lockText(result.lock);
  if (checkOnly) {
    const stale = [{ file: shown, reason: staleness(out, result.text) }, { file: lockShown, reason: staleness(lock, newLock) }].filter((s): s is { file: string; reason: string } => s.reason !== undefined);
    const report = checkReport(result.schemaFile, stale, checkCompatibility(result.lock, result.declared, result.migrated));
    if (format === "json") output.log(JSON.stringify(report, null, 2));
    else for (const line of reportText(report)) output.error(line);
    return report.ok ? 0 : 1;
  }
  const written = writeGenerated(out, result.text);
  const lockWritten = writeGenerated(lock, newLock);
  output.log(`jobs-gen: ${shown} ${written ? "written" : "unchanged"} (${result.jobCount} job type${result.jobCount === 1 ? "" : "s"})`);
  if (lockWritten) output.log(`jobs-gen: ${lockShown} ${result.previousLock ? "updated" : "written"}${result.lockChanges.map((c) => `; ${c.type} v${c.version}`).join("")}`);
  // A new version is classified at once, so a breaking change shows before CI runs --check.
  const changed = new Set(result.lockChanges.map((c) => c.type));
  const verdicts = checkCompatibility(result.lock, result.declared, result.migrated).filter((v) => changed.has(v.type));
  for (const line of reportText(checkReport(result.schemaFile, [], verdicts))) output.error(line);
  return 0;
}

/** Regenerates whenever the schema or a project file it imports changes. */
async function watchAndGenerate(schema: string, out: string, lock: string, output: CliOutput): Promise<void> {
  await watchSchema(schema, async () => void (await runOnce(schema, out, lock, false, "text", output)));
  output.log(`jobs-gen: watching ${relative(process.cwd(), schema) || schema} and the files it imports`);
}

/** True when node was started with this file (the bin, `tsx codegen/cli.ts`), not when a test imports it. */
function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2));
  // A 0 leaves alone any code an action set itself.
  if (code !== 0) process.exitCode = code;
}
