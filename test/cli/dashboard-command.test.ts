/**
 * `typed-jobs dashboard` as a child process: it binds loopback, prints the sign-in link with a
 * generated token, serves the namespace's data behind it, and stops on Ctrl-C (SIGINT).
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { waitUntil } from "../support/redis-server.js";
import { builtJobsBin, runJobs } from "./built-cli.js";
import { useCli, welcome } from "./cli-fixture.js";

describe("typed-jobs dashboard", { timeout: 60_000 }, () => {
  const cli = useCli();

  it("prints a sign-in link with a generated token on 127.0.0.1, serves the namespace behind it, and stops on SIGINT", async () => {
    const { jobs, bundle } = cli.namespace();
    await jobs.schedule("welcomeEmail", welcome);
    const child = spawn(process.execPath, [await builtJobsBin(), "--redis", cli.server().url, "--namespace", bundle.namespace, "dashboard", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await waitUntil(() => /open (http:\/\/127\.0\.0\.1:\d+\/)\?token=(\S+)/.test(out), 20_000, `no sign-in link printed: ${out}`);
      const [, url, token] = /open (http:\/\/127\.0\.0\.1:\d+\/)\?token=(\S+)/.exec(out)!;
      expect(token!.length).toBeGreaterThanOrEqual(32);
      expect((await fetch(`${url}api/overview`)).status).toBe(401);
      const overview = await fetch(`${url}api/overview`, { headers: { authorization: `Bearer ${decodeURIComponent(token!)}` } });
      expect(overview.status).toBe(200);
      expect(((await overview.json()) as { stats: { byType: Record<string, { counts: { queued: number } }> } }).stats.byType.welcomeEmail!.counts.queued).toBe(1);
      const signIn = await fetch(`${url}?token=${token}`, { redirect: "manual" });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Strict/);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });

  it("refuses a token shorter than 16 characters (exit 2)", async () => {
    const result = await runJobs(await builtJobsBin(), ["dashboard", "--token", "short"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("at least 16 characters");
  });
});
