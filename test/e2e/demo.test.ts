/**
 * `npm run demo` is one of the two commands the README gives a newcomer: it must keep running, end to
 * end, on its own private redis-server, after every change to the runtime or the generated module.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

describe("npm run demo", () => {
  it("generates, schedules and executes every kind of job, then says how to open the dashboard", async () => {
    // Without REDIS_URL the demo starts and stops its own redis-server, as on a newcomer's machine.
    const { REDIS_URL: _ignored, ...env } = process.env;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "demo/demo.ts"], { cwd: repoRoot, env, timeout: 90_000 });
    expect(stdout).toContain("started a private redis-server");
    expect(stdout).toContain("invalid payload refused before Redis");
    expect(stdout).toMatch(/total: queued 0, executing 0, finished 23, failed 0, cancelled 1, rejected 1/);
    expect(stdout).toContain("see these jobs in the web dashboard");
  }, 120_000);
});
