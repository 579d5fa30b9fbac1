import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** `npm run check:deps` (what `npm test`, and so CI, runs) in `dir`: its exit status and report. */
function checkDeps(dir: string): Promise<{ status: number; report: string }> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "--silent", "check:deps"], { cwd: dir }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code ?? 1) : 0, report: stdout + stderr });
    });
  });
}

/** One wrong-way import per rule, each added to a copy of the real src/. */
const WRONG_WAY: Record<string, { file: string; text: string; reported: string }> = {
  "store imports client": {
    file: "src/store/wrong-way.ts",
    text: 'export { createJobs } from "../client/jobs.js";\n',
    reported: "error store-below-ops: src/store/wrong-way.ts → src/client/jobs.ts",
  },
  "pool speaks raw Redis": {
    file: "src/pool/wrong-way.ts",
    text: 'export { Redis } from "ioredis";\n',
    reported: "error only-redis-speaks-redis: src/pool/wrong-way.ts →",
  },
  "redis imports store": {
    file: "src/redis/wrong-way.ts",
    text: 'export { toSnapshot } from "../store/job-record.js";\n',
    reported: "error redis-below-store: src/redis/wrong-way.ts → src/store/job-record.ts",
  },
  "options imports contract": {
    file: "src/options/wrong-way.ts",
    text: 'export type { JobType } from "../contract/job-type.js";\n',
    reported: "error options-below-interfaces: src/options/wrong-way.ts → src/contract/job-type.ts",
  },
  "runtime imports the generator": {
    file: "src/client/wrong-way.ts",
    text: 'export { stub } from "../../codegen/wrong-way-stub.js";\n',
    reported: "error src-not-tooling: src/client/wrong-way.ts → codegen/wrong-way-stub.ts",
  },
  "runtime imports the compiler": {
    file: "src/contract/wrong-way.ts",
    text: 'export { Project } from "ts-morph";\n',
    reported: "error runtime-imports-runtime-deps: src/contract/wrong-way.ts →",
  },
  "dashboard reads keys": {
    file: "src/dashboard/wrong-way.ts",
    text: 'export { KeySpace } from "../redis/keys.js";\n',
    reported: "error dashboard-on-ops: src/dashboard/wrong-way.ts → src/redis/keys.ts",
  },
  "runtime imports the dashboard": {
    file: "src/ops/wrong-way.ts",
    text: 'export { createDashboard } from "../dashboard/dashboard.js";\n',
    reported: "error nothing-imports-the-dashboard: src/ops/wrong-way.ts → src/dashboard/dashboard.ts",
  },
  "a cycle": {
    file: "src/options/cycle-a.ts",
    text: 'import { b } from "./cycle-b.js";\nexport const a = () => b;\n',
    reported: "error no-circular: src/options/cycle-a.ts →",
  },
};

describe("import rules (npm run check:deps)", () => {
  let copy: string;

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), "typed-jobs-deps-"));
    for (const entry of ["src", "package.json", "tsconfig.json", ".dependency-cruiser.cjs"]) await cp(join(root, entry), join(copy, entry), { recursive: true });
    await symlink(join(root, "node_modules"), join(copy, "node_modules"));
    await mkdir(join(copy, "codegen"));
    await writeFile(join(copy, "codegen/wrong-way-stub.ts"), "export const stub = 1;\n");
    await writeFile(join(copy, "src/options/cycle-b.ts"), 'import { a } from "./cycle-a.js";\nexport const b = () => a;\n');
  });

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it("passes on the real tree", async () => {
    const { status, report } = await checkDeps(root);
    expect(report).toContain("no dependency violations found");
    expect(status).toBe(0);
  }, 60_000);

  it("fails on a copy of the real tree with one wrong-way import of each kind, naming each", async () => {
    const before = await checkDeps(copy);
    expect(before.status, before.report).toBe(0);
    for (const { file, text } of Object.values(WRONG_WAY)) await writeFile(join(copy, file), text);
    const { status, report } = await checkDeps(copy);
    expect(status).not.toBe(0);
    for (const [kind, { reported }] of Object.entries(WRONG_WAY)) expect(report, kind).toContain(reported);
    expect(report).toContain(`${Object.keys(WRONG_WAY).length} dependency violations`);
  }, 120_000);
});
