import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./pool-child.ts", import.meta.url));

export interface ChildPoolOptions {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly tag: string;
  readonly concurrency?: number;
  readonly lease?: string;
  readonly grace?: string;
}

export interface PoolErrorReport {
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

/** A pool running in a child process (pool-child.ts): the test can SIGKILL it, or ask it to close. */
export class ChildPool {
  readonly errors: PoolErrorReport[] = [];
  poolId = "";
  private exited: Promise<number | null>;
  private closedMessage: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly tag: string) {
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ? null : code)));
    this.closedMessage = new Promise((resolve) => child.on("message", (m: { type: string }) => m.type === "closed" && resolve()));
    child.on("message", (m: { type: string } & PoolErrorReport) => {
      if (m.type === "error") this.errors.push({ name: m.name, code: m.code, message: m.message });
    });
  }

  /** Starts the child and resolves once its pool has started. */
  static async start(options: ChildPoolOptions): Promise<ChildPool> {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        REDIS_URL: options.redisUrl,
        NS: options.namespace,
        TAG: options.tag,
        CONCURRENCY: String(options.concurrency ?? 10),
        LEASE: options.lease ?? "1s",
        GRACE: options.grace ?? "10s",
      },
    });
    const pool = new ChildPool(child, options.tag);
    pool.poolId = await new Promise<string>((resolve, reject) => {
      child.on("message", (m: { type: string; poolId?: string }) => m.type === "ready" && resolve(m.poolId!));
      child.once("exit", (code) => reject(new Error(`pool child ${options.tag} exited with ${code} before it was ready`)));
    });
    return pool;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill -9: no close, no release, no last heartbeat. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** Asks the pool to close() as on a deploy's SIGTERM; resolves when close() has returned. */
  async close(): Promise<void> {
    if (!this.alive) return;
    this.child.send({ cmd: "close" });
    await this.closedMessage;
    await this.exited;
  }
}

/** Kills every child still running: for afterEach, so a failed test leaves no process behind. */
export async function killAll(pools: ChildPool[]): Promise<void> {
  await Promise.all(pools.splice(0).map((p) => p.kill()));
}
