/**
 * The `jobs` bin built from this checkout into a private directory, so the CLI tests never race a
 * build that empties dist/ (the package test runs one). Built once per source state and shared by
 * every test file: the first process builds under a lock, the others wait for its marker.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { waitUntil } from "../support/redis-server.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const cacheRoot = join(repoRoot, "node_modules", ".cache", "typed-jobs-cli-test");

export interface JobsResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Builds (or finds) the bin; returns the path of its main.js. */
export async function builtJobsBin(): Promise<string> {
  const dir = join(cacheRoot, sourceHash());
  const main = join(dir, "out", "codegen", "jobs-cli", "main.js");
  const done = join(dir, "done");
  if (existsSync(done)) return main;
  mkdirSync(cacheRoot, { recursive: true });
  const lock = `${dir}.lock`;
  try {
    mkdirSync(lock);
  } catch {
    await waitUntil(async () => existsSync(done), 120_000, `another process did not finish building ${dir}`);
    return main;
  }
  try {
    build(dir);
    writeFileSync(done, "");
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return main;
}

/** The runtime and the CLI compiled together; "typed-jobs" resolves to the compiled runtime as in an app. */
function build(dir: string): void {
  const staging = `${dir}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(staging, "node_modules"), { recursive: true });
  const tsconfig = {
    extends: join(repoRoot, "tsconfig.json"),
    compilerOptions: { noEmit: false, declaration: false, sourceMap: false, rootDir: repoRoot, outDir: join(staging, "out") },
    include: [join(repoRoot, "src"), join(repoRoot, "codegen/jobs-cli")],
    exclude: [],
  };
  writeFileSync(join(staging, "tsconfig.json"), JSON.stringify(tsconfig));
  execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", join(staging, "tsconfig.json")], { stdio: "pipe" });
  // The dashboard's page ships beside its module, as the runtime's build copies it.
  cpSync(join(repoRoot, "src/dashboard/assets"), join(staging, "out", "src", "dashboard", "assets"), { recursive: true });
  writeFileSync(join(staging, "out", "package.json"), JSON.stringify({ name: "typed-jobs", type: "module", exports: { ".": "./src/index.js", "./metrics": "./src/metrics/index.js", "./dashboard": "./src/dashboard/index.js" } }));
  symlinkSync("../out", join(staging, "node_modules", "typed-jobs"), "dir");
  renameSync(staging, dir);
}

/** What the build depends on: every source file of the runtime and the CLI, by path and content. */
function sourceHash(): string {
  const hash = createHash("sha256");
  for (const top of ["src", "codegen/jobs-cli", "tsconfig.json"]) {
    for (const file of filesUnder(join(repoRoot, top))) hash.update(relative(repoRoot, file)).update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => filesUnder(join(path, name)));
}

/** Runs `typed-jobs ...args` as a child process; the environment carries no REDIS_URL unless given. */
export function runJobs(bin: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<JobsResult> {
  const started = Date.now();
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "REDIS_URL" && name !== "FORCE_COLOR"));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env: { ...base, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 99) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin?.end();
  });
}
