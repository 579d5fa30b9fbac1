import { CliError } from "../jobs-cli/cli-error.js";
import { JobsError } from "typed-jobs";
import { WaitingExit, type Io } from "./options.js";

/**
 * Runs one command's body and turns its failures into an exit code with one line on stderr: a build
 * that cannot be used, or a Redis that cannot be reached, is a usage error (2).
 */
export async function runWaiting(command: string, io: Io, body: () => Promise<{ readonly code: number } | { readonly problem: string }>): Promise<number> {
  try {
    const result = await body();
    if ("code" in result) return result.code;
    io.err(`jobs-gen ${command}: ${result.problem}`);
    return WaitingExit.usage;
  } catch (error) {
    if (error instanceof CliError || (error instanceof JobsError && (error.code === "REDIS_UNAVAILABLE" || error.code === "REDIS_ERROR"))) {
      io.err(`jobs-gen ${command}: ${error.code}: ${error.message}`);
      return WaitingExit.usage;
    }
    throw error;
  }
}
