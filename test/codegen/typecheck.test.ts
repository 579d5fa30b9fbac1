/**
 * tsc over the generated modules (every golden output and the checked-in example) with strict and
 * stricter-than-usual flags a user project may have (exactOptionalPropertyTypes, noUnusedLocals...),
 * over the type tests in types/ (`@ts-expect-error` on wrong payloads, unknown fields, missing and
 * wrong handlers), and over the templates, which must stay valid TypeScript.
 *
 * The runtime sources are pulled in through the "typed-jobs" path mapping; a user compiles against
 * its .d.ts instead, so only diagnostics outside src/ count here.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./cli-run.js";

function tsc(project: string): Promise<string[]> {
  const bin = join(repoRoot, "node_modules/typescript/bin/tsc");
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, "-p", project, "--pretty", "false"], { cwd: repoRoot }, (_error, stdout) => {
      const errors = stdout.split("\n").filter((line) => /^[^\s].*\(\d+,\d+\): error /.test(line) && !line.startsWith("src/"));
      resolve(errors);
    });
  });
}

describe.concurrent("tsc", { timeout: 120_000 }, () => {
  it("compiles the generated modules and the type tests (every @ts-expect-error is an error)", async () => {
    expect(await tsc("test/codegen/types/tsconfig.json")).toEqual([]);
  });

  it("compiles the templates", async () => {
    expect(await tsc("test/codegen/types/tsconfig.templates.json")).toEqual([]);
  });
});
