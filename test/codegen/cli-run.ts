/**
 * Runs jobs-gen for the tests: in this process through its `main` (most cases), or as a child process
 * through tsx, as `npm run jobs-gen` does (the cases that prove the command itself).
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * jobs-gen's `main` with these arguments, its lines collected as a child's stdout and stderr would be.
 * Node formats stack traces during the run, as in the command: vitest's formatter maps only the
 * modules vitest loaded, so the line jobs-gen reads from a contract's error would be wrong.
 */
export async function runCli(args: readonly string[]): Promise<CliResult> {
  const { main } = await import("../../codegen/cli.js"); // loads the compiler: only for the tests that run it
  let stdout = "";
  let stderr = "";
  const vitestFormat = Error.prepareStackTrace;
  Reflect.deleteProperty(Error, "prepareStackTrace");
  try {
    const code = await main(args, { log: (line: string) => void (stdout += `${line}\n`), error: (line: string) => void (stderr += `${line}\n`) });
    return { code, stdout, stderr };
  } finally {
    Error.prepareStackTrace = vitestFormat;
  }
}

/** `tsx codegen/cli.ts ...args` from the repo root (so "typed-jobs" resolves through tsconfig paths). */
export function runCliProcess(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", join(repoRoot, "codegen/cli.ts"), ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh empty directory for output that must (or must not) appear. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "jobs-gen-test-"));
}
