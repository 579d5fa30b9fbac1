import { Redis } from "ioredis";
import { RedisServer } from "../test/support/redis-server.js";

/**
 * The benchmark's private redis-server (never 127.0.0.1:6379), started as the tests start theirs:
 * free port, own data directory, no persistence.
 */
export class BenchRedis {
  private constructor(readonly server: RedisServer, readonly admin: Redis) {}

  static async start(): Promise<BenchRedis> {
    // DEBUG HTSTATS-KEY tells whether a hash is still rehashing (rehashing()).
    const server = await RedisServer.start({ extraArgs: ["--enable-debug-command", "local"] });
    return new BenchRedis(server, server.client());
  }

  get url(): string {
    return this.server.url;
  }

  /** Safe: this server is ours alone. */
  async flush(): Promise<void> {
    await this.admin.flushall();
  }

  async info(section: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const line of (await this.admin.info(section)).split("\r\n")) {
      const i = line.indexOf(":");
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  }

  /** Calls per command since the last CONFIG RESETSTAT, script-internal calls included. */
  async commandCalls(): Promise<Map<string, number>> {
    const calls = new Map<string, number>();
    for (const [key, value] of Object.entries(await this.info("commandstats"))) {
      const m = /calls=(\d+)/.exec(value);
      if (m) calls.set(key.replace(/^cmdstat_/, ""), Number(m[1]));
    }
    return calls;
  }

  /**
   * How far Redis's incremental rehash of a hash has come: the fraction of its fields already in
   * the new table, or undefined when none is under way. A hash field's table grows by doubling and
   * moves its entries one bucket per operation on that hash, never in the background.
   */
  async rehashing(key: string): Promise<number | undefined> {
    const stats = String(await this.admin.call("DEBUG", "HTSTATS-KEY", key));
    const counts = [...stats.matchAll(/number of elements: (\d+)/g)].map((m) => Number(m[1]));
    if (counts.length < 2) return undefined;
    return counts[1]! / (counts[0]! + counts[1]!);
  }

  async stop(): Promise<void> {
    this.admin.disconnect();
    await this.server.stop();
  }
}
