/**
 * tsc over the generated modules (every golden output and the checked-in example) with strict and
 * stricter-than-usual flags a user project may have (exactOptionalPropertyTypes, noUnusedLocals...),
 * over the type tests in types/ (`@ts-expect-error` on wrong payloads, unknown fields, missing and
 * wrong handlers), and over the templates, which must stay valid TypeScript.
 *
 * They compile against the runtime's declarations, as a user's project does: built first from src/
 * into a temporary app directory, where "typed-jobs" is mapped to them. Each tsc run must exit 0 and
 * print nothing: any diagnostic, a missing tsconfig or a crash fails the test.
 */
import { execFile } from "node:child_process";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "./cli-run.js";

interface TscRun {
  readonly code: number | string | null;
  readonly signal: string | null;
  readonly output: string;
}

function tsc(project: string): Promise<TscRun> {
  const bin = join(repoRoot, "node_modules/typescript/bin/tsc");
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, "-p", project, "--pretty", "false"], { cwd: repoRoot }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? null) : 0, signal: error?.signal ?? null, output: `${stdout}${stderr}` });
    });
  });
}

const clean: TscRun = { code: 0, signal: null, output: "" };

/** A tsconfig in `dir` extending `base` (a repo path), with "typed-jobs" mapped to the built declarations. */
function againstDeclarations(dir: string, name: string, base: string): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ extends: join(repoRoot, base), compilerOptions: { paths: { "typed-jobs": ["./dts/index.d.ts"] } } }));
  return file;
}

describe.concurrent("tsc", { timeout: 300_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    // The declarations import typebox and ioredis: resolved from here as from an app's node_modules.
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
    const runtime = join(dir, "tsconfig.runtime.json");
    writeFileSync(runtime, JSON.stringify({
      extends: join(repoRoot, "tsconfig.json"),
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, sourceMap: false, declarationMap: false, rootDir: join(repoRoot, "src"), outDir: "./dts", paths: {} },
      include: [join(repoRoot, "src")],
    }));
    expect(await tsc(runtime), "building the runtime's declarations").toEqual(clean);
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("compiles the generated modules and the type tests (every @ts-expect-error is an error)", async () => {
    expect(await tsc(againstDeclarations(dir, "tsconfig.types.json", "test/codegen/types/tsconfig.json"))).toEqual(clean);
  });

  it("compiles the templates", async () => {
    expect(await tsc(againstDeclarations(dir, "tsconfig.templates.json", "test/codegen/types/tsconfig.templates.json"))).toEqual(clean);
  });
});
