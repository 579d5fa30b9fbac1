#!/usr/bin/env node
/**
 * typed-jobs: inspect and operate a typed-jobs namespace from a shell.
 * Exit codes: 0 done, 1 not found or refused, 2 usage error, bad option or Redis out of reach.
 */
import { CommanderError } from "commander";
import { describeError, exitCodeOf, ExitCode } from "./cli-error.js";
import { buildProgram } from "./program.js";

const verbose = process.argv.includes("--verbose");
let code: number;
try {
  await buildProgram().parseAsync(process.argv);
  code = typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
} catch (error) {
  if (error instanceof CommanderError) {
    // commander has printed the help or the usage error; help asked for is success, anything else is usage.
    code = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    console.error(describeError(error, verbose));
    code = exitCodeOf(error);
  }
}
// Exit explicitly once output is flushed: a connection that cannot close cleanly must not keep the CLI alive.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
