#!/usr/bin/env node
/**
 * jobs-gen: turns `jobs.schema.ts` into the typed module of schedule functions, validators and pools.
 * Exit codes: 0 done (or fresh with --check), 1 stale (--check), 2 the contract cannot be generated.
 */
import { dirname, join, relative, resolve } from "node:path";
import { Command } from "commander";
import { generate } from "./generate.js";
import { formatDiagnostic } from "./model.js";
import { watchSchema } from "./watch.js";
import { staleness, writeGenerated } from "./write.js";

interface CliOptions {
  readonly schema: string;
  readonly out?: string;
  readonly check?: boolean;
  readonly watch?: boolean;
}

const program = new Command()
  .name("jobs-gen")
  .description("Generate the typed jobs module (schedule functions, AOT validators, encoders, createPool) from a defineJobs contract.")
  .option("-s, --schema <file>", "the contract: a module whose default export is defineJobs({...})", "jobs.schema.ts")
  .option("-o, --out <file>", "the module to write (default: jobs.generated.ts beside the schema)")
  .option("--check", "write nothing; exit 1 naming the file and the first difference when it is stale (for CI)")
  .option("-w, --watch", "regenerate whenever the schema file or a file it imports changes")
  .addHelpText("after", "\nExit codes: 0 written or fresh, 1 stale (--check), 2 the contract has errors (nothing written).")
  .action(async (options: CliOptions) => {
    const schema = resolve(options.schema);
    const out = resolve(options.out ?? join(dirname(schema), "jobs.generated.ts"));
    if (options.watch) return watchAndGenerate(schema, out);
    process.exitCode = await runOnce(schema, out, options.check === true);
  });

/** One generation; returns the exit code. */
async function runOnce(schema: string, out: string, checkOnly: boolean): Promise<number> {
  const result = await generate(schema, out);
  const shown = relative(process.cwd(), out) || out;
  if (!result.ok) {
    for (const d of result.diagnostics) console.error(formatDiagnostic(d));
    console.error(`jobs-gen: ${shown} not written (${result.diagnostics.length} error${result.diagnostics.length === 1 ? "" : "s"})`);
    return 2;
  }
  if (checkOnly) {
    const why = staleness(out, result.text);
    if (why === undefined) return 0;
    console.error(`jobs-gen --check: ${shown} is stale: ${why}\nRun \`npx jobs-gen\` to regenerate it.`);
    return 1;
  }
  const written = writeGenerated(out, result.text);
  console.log(`jobs-gen: ${shown} ${written ? "written" : "unchanged"} (${result.jobCount} job type${result.jobCount === 1 ? "" : "s"})`);
  return 0;
}

/** Regenerates whenever the schema or a project file it imports changes. */
async function watchAndGenerate(schema: string, out: string): Promise<void> {
  await watchSchema(schema, async () => void (await runOnce(schema, out, false)));
  console.log(`jobs-gen: watching ${relative(process.cwd(), schema) || schema} and the files it imports`);
}

await program.parseAsync(process.argv);
