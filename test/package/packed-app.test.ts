/**
 * The two packages as a user installs them: `npm pack` the runtime (typed-jobs) and the generator
 * (typed-jobs-cli), install them into a new app from the tarballs, the runtime as a dependency and
 * the CLI as a dev dependency, check that the `jobs` bin runs, generate the typed module with
 * `npx jobs-gen`, compile the app with tsc, drop the dev dependencies as a production image does,
 * and run a job on a private Redis. Then the README's Quickstart, followed as written in another
 * new app: its commands, its files, a default `tsc --init` with the settings it names.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ts from "typescript";
import { RedisServer, waitUntil } from "../support/redis-server.js";
import { commands, namedCompilerOptions, quickstartBlocks, quickstartFiles } from "./readme.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const npmFlags = ["--prefer-offline", "--no-audit", "--no-fund"];
const compilerPackages = ["typescript", "ts-morph", "esbuild", "tsx"];

/** The environment of a user's shell: without the npm_* variables of the `npm test` this may run under. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== "INIT_CWD"));

/** Runs a command; on failure the error carries its output, so a failing step says why. */
async function sh(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env: { ...userEnv, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stderr}\n${stdout}`.slice(0, 8000));
  }
}

/** The version the repo has installed, so the app's own packages come from npm's cache. */
function installed(name: string): string {
  return (JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

interface NpmTree {
  readonly dependencies?: Readonly<Record<string, NpmTree>>;
}

/** Every package name anywhere in an `npm ls --all --json` tree. */
function packageNames(tree: NpmTree, into = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
    into.add(name);
    packageNames(child, into);
  }
  return into;
}

const schema = `import Type from "typebox";
import { defineJobs } from "typed-jobs";

export default defineJobs({
  /** Answers a ping. */
  ping: { payload: Type.Object({ at: Type.Number() }) },
});
`;

/** Schedules one job, runs a pool until it has finished, and prints what the handler saw and the job's status. */
const app = `import { closeJobs, configureJobs, createPool, findJob, schedulePing } from "./jobs.generated.js";

configureJobs({ redis: process.env.REDIS_URL!, namespace: "packed-app" });
const job = await schedulePing({ at: 42 });
let seen: number | undefined;
const pool = createPool({ concurrency: 1, handlers: { ping: ({ at }) => void (seen = at) } });
const outcome = new Promise<string>((resolve) => {
  pool.once("finished", () => resolve("finished"));
  const not = (event: string) => (_job: unknown, error: Error) => resolve(\`\${event}: \${error.message}\`);
  pool.once("retried", not("retried")).once("failed", not("failed")).once("rejected", not("rejected"));
});
await pool.start();
const settled = await outcome;
await pool.close();
const { status } = await findJob(job.id);
await closeJobs();
console.log(JSON.stringify({ seen, settled, status }));
`;

const tsconfig = {
  compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, types: ["node"], outDir: "build", rootDir: "." },
  include: ["app.ts", "jobs.generated.ts"],
};

describe("the packed packages in a new app", { timeout: 240_000 }, () => {
  let work = "";
  let appDir = "";
  let server: RedisServer | undefined;
  let tarball: (name: string) => string = () => "";

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "typed-jobs-packed-"));
    appDir = join(work, "app");
    server = await RedisServer.start();
    // `npm run build` builds the runtime, then the CLI against it; pack both without rebuilding.
    await sh(repoRoot, "npm", ["run", "build"]);
    const packed = JSON.parse(await sh(repoRoot, "npm", ["pack", "--ignore-scripts", "--json", "--workspaces", "--include-workspace-root", "--pack-destination", work])) as { name: string; filename: string }[];
    tarball = (name) => `file:${join(work, packed.find((p) => p.name === name)!.filename)}`;
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("installs the runtime without a compiler, generates with npx jobs-gen, and runs a job from the built app", async () => {
    mkdirSync(appDir);
    writeFileSync(
      join(appDir, "package.json"),
      JSON.stringify({
        name: "packed-app",
        private: true,
        type: "module",
        dependencies: { "typed-jobs": tarball("typed-jobs"), typebox: installed("typebox") },
        devDependencies: { "typed-jobs-cli": tarball("typed-jobs-cli"), typescript: installed("typescript"), "@types/node": installed("@types/node") },
      }),
    );
    writeFileSync(join(appDir, "jobs.schema.ts"), schema);
    writeFileSync(join(appDir, "app.ts"), app);
    writeFileSync(join(appDir, "tsconfig.json"), JSON.stringify(tsconfig));
    await sh(appDir, "npm", ["install", ...npmFlags]);

    const production = packageNames(JSON.parse(await sh(appDir, "npm", ["ls", "--omit=dev", "--all", "--json"])) as NpmTree);
    expect([...production].filter((name) => compilerPackages.includes(name))).toEqual([]);
    expect(["typed-jobs", "typebox", "ioredis", "croner"].filter((name) => !production.has(name))).toEqual([]);
    const everything = packageNames(JSON.parse(await sh(appDir, "npm", ["ls", "--all", "--json"])) as NpmTree);
    expect(compilerPackages.filter((name) => !everything.has(name))).toEqual([]); // dev still has them: the filter above is not vacuous

    // Run from node_modules/.bin without a shell: in sh and bash `jobs` is a builtin that wins over PATH.
    const help = await sh(appDir, join(appDir, "node_modules", ".bin", "typed-jobs"), ["--help"]);
    expect(help).toMatch(/^Usage: typed-jobs \[options\] \[command\]/);
    expect(help).toContain("Exit codes:");

    await sh(appDir, "npx", ["jobs-gen"]);
    expect(readFileSync(join(appDir, "jobs.generated.ts"), "utf8")).toMatch(/^\/\/ Generated by jobs-gen from jobs\.schema\.ts/);
    await sh(appDir, "npx", ["tsc", "-p", "."]);

    await sh(appDir, "npm", ["prune", "--omit=dev", ...npmFlags]);
    expect(compilerPackages.filter((name) => existsSync(join(appDir, "node_modules", name)))).toEqual([]);
    const out = await sh(appDir, process.execPath, ["build/app.js"], { REDIS_URL: server!.url });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({ seen: 42, settled: "finished", status: "finished" });

    // The dashboard ships inside the runtime package, its page included: served offline from node_modules.
    const served = await sh(appDir, process.execPath, ["--input-type=module", "-e", `
      import { startDashboardServer } from "typed-jobs/dashboard";
      const d = await startDashboardServer({ port: 0 });
      const get = (path) => fetch(d.url + path, { headers: { authorization: "Bearer " + d.token } });
      const page = await (await get("")).text();
      const script = await get("assets/app.js");
      console.log(JSON.stringify({ page: page.includes('src="assets/app.js"'), script: script.status }));
      await d.close();
    `], { REDIS_URL: server!.url });
    expect(JSON.parse(served.trim().split("\n").at(-1)!)).toEqual({ page: true, script: 200 });
  });

  it("runs the README's Quickstart as written: producer and worker exit, the job finishes", async () => {
    const dir = join(work, "quickstart");
    mkdirSync(dir);
    const blocks = quickstartBlocks(join(repoRoot, "README.md"));
    // Step 1, command by command; the unpublished packages come from their tarballs (as the README
    // says), the others at the versions the repo has installed, from npm's cache.
    const install = blocks.find((block) => block.lang === "sh" && block.heading.includes("Install"))!;
    for (const [command, ...args] of commands(install)) {
      const isInstall = command === "npm" && args[0] === "install";
      const packageArgs = isInstall ? args.map((arg) => (arg.startsWith("-") || arg === "install" ? arg : /^typed-jobs(-cli)?$/.test(arg) ? tarball(arg) : `${arg}@${installed(arg)}`)) : args;
      await sh(dir, command!, isInstall ? [...packageArgs, ...npmFlags] : packageArgs);
    }
    const tsconfigPath = join(dir, "tsconfig.json");
    const initial = ts.parseConfigFileTextToJson(tsconfigPath, readFileSync(tsconfigPath, "utf8"));
    const named = namedCompilerOptions(blocks);
    expect(named).toEqual({ types: ["node"] });
    const config = initial.config as { compilerOptions: Record<string, unknown> };
    writeFileSync(tsconfigPath, JSON.stringify({ ...config, compilerOptions: { ...config.compilerOptions, ...named } }, null, 2));

    const files = quickstartFiles(blocks);
    expect(Object.keys(files).sort()).toEqual(["jobs.schema.ts", "producer.ts", "worker.ts"]);
    for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
    const generate = blocks.find((block) => block.lang === "sh" && block.heading.includes("Generate"))!;
    const [command, ...args] = commands(generate)[0]!;
    expect([command, ...args]).toEqual(["npx", "jobs-gen"]);
    await sh(dir, command!, args);
    await sh(dir, "npx", ["tsc", "--noEmit", "-p", "."]);

    const tsx = join(dir, "node_modules", ".bin", "tsx");
    const env = { ...userEnv, REDIS_URL: server!.url };
    const worker = spawn(tsx, ["worker.ts"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let workerOutput = "";
    worker.stdout.on("data", (chunk: Buffer) => (workerOutput += chunk.toString()));
    worker.stderr.on("data", (chunk: Buffer) => (workerOutput += chunk.toString()));
    const workerExit = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    try {
      const produced = await sh(dir, tsx, ["producer.ts"], { REDIS_URL: server!.url }); // returns only once the producer exits
      expect(produced).toMatch(/^scheduled \S+/);
      const redis = server!.client();
      try {
        await waitUntil(async () => {
          const keys = await redis.keys("tj:{*}:finished:welcomeEmail");
          return keys.length === 1 && (await redis.zcard(keys[0]!)) === 1;
        }, 60_000, `the welcome email did not finish; the worker said:\n${workerOutput}`);
      } finally {
        await redis.quit();
      }
      expect(workerOutput).toContain("welcome, Ada <ada@example.com>");
      worker.kill("SIGTERM");
      expect(await workerExit).toBe(0);
    } finally {
      worker.kill("SIGKILL");
    }
  });
});
