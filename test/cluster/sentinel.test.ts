import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobs, type Jobs } from "typed-jobs";
import { freePort, RedisServer, waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType } from "../support/setup.js";

type M = { ping: { n: number } };
const types = { ping: jobType<{ n: number }>("ping", anyPayload) };

describe("through Redis Sentinel", () => {
  let master: RedisServer;
  let sentinel: ChildProcess;
  let sentinelPort: number;
  let dir: string;

  beforeAll(async () => {
    master = await RedisServer.start();
    dir = mkdtempSync(join(tmpdir(), "typed-jobs-sentinel-"));
    sentinelPort = await freePort();
    const conf = join(dir, "sentinel.conf");
    writeFileSync(conf, [
      `port ${sentinelPort}`, "bind 127.0.0.1", `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
      "sentinel down-after-milliseconds mymaster 5000",
    ].join("\n") + "\n");
    sentinel = spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" });
    const probe = new Redis({ host: "127.0.0.1", port: sentinelPort, maxRetriesPerRequest: 1 });
    probe.on("error", () => undefined);
    try {
      await waitUntil(async () => {
        const addr = (await probe.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").catch(() => null)) as string[] | null;
        return addr?.[1] === String(master.port);
      }, 10_000, "sentinel did not learn the master");
    } finally {
      probe.disconnect();
    }
  });
  afterAll(async () => {
    if (sentinel && sentinel.exitCode === null) {
      const exited = new Promise((resolve) => sentinel.once("exit", resolve));
      sentinel.kill("SIGKILL");
      await exited;
    }
    await master?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("finds the master through the sentinel, schedules and runs a job", async () => {
    const jobs: Jobs<M> = createJobs<M>(types, { redis: { sentinels: [{ host: "127.0.0.1", port: sentinelPort }], name: "mymaster" }, namespace: "sentinel" });
    const pool = jobs.createPool({ handlers: { ping: () => undefined }, idleWait: "200ms" });
    try {
      await pool.start();
      const job = await jobs.schedule("ping", { n: 1 });
      await waitUntil(async () => (await jobs.findJob(job.id)).status === "finished");
      expect(master.cli("HEXISTS", "tj:{sentinel}:jobs", job.id)).toBe("1");
    } finally {
      await pool.close();
      await jobs.close();
    }
  });
});
