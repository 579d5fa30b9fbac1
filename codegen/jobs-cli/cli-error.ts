import { JobsError, type JobsErrorCode } from "typed-jobs";

/** The exit codes of `typed-jobs`, documented in docs/cli.md and `typed-jobs --help`. */
export const ExitCode = {
  ok: 0,
  /** Not found (a job, a job type), refused (a job in the wrong state, a confirmation declined), or the operation failed. */
  failed: 1,
  /** A usage error, a bad option, or a Redis that cannot be reached. */
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI itself detects (bad usage, a refused confirmation, Redis out of reach). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode, readonly code = exitCode === ExitCode.usage ? "USAGE" : "REFUSED") {
    super(message);
    this.name = "CliError";
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.usage);
}

// A runtime error the user can fix by changing the command's options or its target gets 2; one about
// what the namespace holds (a job gone or in the wrong state, a job type it does not know) gets 1.
const usageCodes: ReadonlySet<JobsErrorCode> = new Set(["INVALID_OPTION", "REDIS_UNAVAILABLE", "REDIS_ERROR"]);

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof JobsError) return usageCodes.has(error.code) ? ExitCode.usage : ExitCode.failed;
  return ExitCode.failed;
}

/** The code a JSON result or an error line names: a JobsError's own, else the CLI's. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof CliError || error instanceof JobsError) return error.code;
  return "ERROR";
}

/** One line for stderr: the code and message; the stack (and causes) only when asked for. */
export function describeError(error: unknown, verbose: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = `typed-jobs: ${errorCodeOf(error)}: ${message}`;
  if (!verbose || !(error instanceof Error)) return line;
  let text = `${line}\n${error.stack ?? ""}`;
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause) text += `\ncaused by: ${cause.stack ?? cause.message}`;
  return text;
}
