/** Runs the jobs-gen CLI as a child process through tsx, as `npm run jobs-gen` does. */
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

/** `tsx codegen/cli.ts ...args` from the repo root (so "typed-jobs" resolves through tsconfig paths). */
export function runCli(args: readonly string[]): Promise<CliResult> {
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
