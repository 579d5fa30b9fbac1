/**
 * `jobs-gen --watch` as a child process: it regenerates when a file the schema imports changes, not
 * only the schema itself.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../support/redis-server.js";
import { repoRoot, tempDir } from "./cli-run.js";

const schema = `import { defineJobs } from "typed-jobs";
import { notePayload } from "./payloads/note.js";

export default defineJobs({ note: { payload: notePayload } });
`;

const payload = (field: string) => `import Type from "typebox";

export const notePayload = Type.Object({ ${field}: Type.String() });
`;

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

describe("jobs-gen --watch", { timeout: 120_000 }, () => {
  it("regenerates when a file the schema imports changes", async () => {
    const dir = tempDir();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    mkdirSync(join(dir, "payloads"));
    writeFileSync(join(dir, "payloads", "note.ts"), payload("title"));
    writeFileSync(join(dir, "jobs.schema.ts"), schema);
    const out = join(dir, "jobs.generated.ts");

    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "codegen/cli.ts"), "--watch", "--schema", join(dir, "jobs.schema.ts")], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    cleanup.push(() => child.kill("SIGKILL"));

    await waitUntil(() => output.includes("jobs-gen: watching"), 60_000, `not watching: ${output}`);
    expect(existsSync(out) && readFileSync(out, "utf8")).toContain("title: string");

    writeFileSync(join(dir, "payloads", "note.ts"), payload("heading"));
    await waitUntil(() => readFileSync(out, "utf8").includes("heading: string"), 60_000, `not regenerated: ${output}`);
  });
});
