import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface RedisServerOptions {
  /** AOF with appendfsync always: what the fault tests need to survive kill -9. */
  readonly persistent?: boolean;
  readonly extraArgs?: readonly string[];
}

/**
 * A private redis-server on a free loopback port with its own data directory, so no test touches the
 * shared 6379. It can be killed (SIGKILL) and restarted on the same port and data.
 */
export class RedisServer {
  readonly dir: string;
  private child: ChildProcess | undefined;

  private constructor(readonly port: number, private readonly options: RedisServerOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "typed-jobs-redis-"));
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(await freePort(), options);
      try {
        await server.restart();
        return server;
      } catch (error) {
        rmSync(server.dir, { recursive: true, force: true });
        // Another test file's server took the port between the probe and the bind: pick another.
        if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const persistence = this.options.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", "", ...persistence, ...(this.options.extraArgs ?? [])], { stdio: "ignore" });
    this.child = child;
    await waitForOwnServer(child, this.port);
  }

  /** SIGKILL: no shutdown, no final fsync; what was acknowledged under appendfsync always survives. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** A client for test assertions and fault injection (not the library's). */
  client(): Redis {
    const redis = new Redis({ port: this.port, host: "127.0.0.1", lazyConnect: false, maxRetriesPerRequest: 3, protocol: 2 });
    redis.on("error", () => undefined);
    return redis;
  }

  cli(...args: string[]): string {
    return execFileSync("redis-cli", ["-p", String(this.port), ...args]).toString().trim();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The process id of the redis-server answering on `port`, if one answers. */
function serverPid(port: number): number | undefined {
  try {
    const info = execFileSync("redis-cli", ["-p", String(port), "INFO", "server"], { stdio: ["ignore", "pipe", "ignore"] }).toString();
    const pid = /process_id:(\d+)/.exec(info)?.[1];
    return pid === undefined ? undefined : Number(pid);
  } catch {
    return undefined;
  }
}

/**
 * Waits until `child` is the redis-server answering on `port`. A PONG alone could come from another
 * file's server on the same port, whose restarts and CLIENT KILLs would then hit this file's tests.
 * Throws PortTakenError if the child exited first.
 */
export async function waitForOwnServer(child: ChildProcess, port: number): Promise<void> {
  await waitUntil(() => child.exitCode !== null || serverPid(port) === child.pid, 10_000, `redis-server on port ${port} did not start`);
  if (child.exitCode !== null) throw new PortTakenError(port);
}

/** The redis-server exited as it started: most often, its port was taken (bind: address in use). */
export class PortTakenError extends Error {
  constructor(port: number) {
    super(`redis-server on port ${port} exited at start (port taken?)`);
  }
}

/**
 * Polls until `check` is true: the tests' only way to wait, never a fixed sleep. A `message` given as
 * a function is made when the wait times out, so it can say how far things got.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, message: string | (() => string) = "condition not met in time"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(typeof message === "function" ? message() : message);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
