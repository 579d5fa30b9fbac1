import type { CountsByType, JobStatus, StatusCounts } from "../interfaces.js";
import { JOB_STATUSES } from "../interfaces.js";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace, TypeKeys } from "../redis/keys.js";
import { withRedis } from "../redis/redis-error.js";

/** Read-only questions about a namespace; none needs a script, so they never block a pool's writes. */
export class Queries {
  constructor(private readonly redis: RedisClient, private readonly keys: KeySpace) {}

  readRecord(id: string, op: string): Promise<string | null> {
    return withRedis(op, () => this.redis.hget(this.keys.jobs, id), this.redis);
  }

  readRecords(ids: readonly string[], op: string): Promise<(string | null)[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return withRedis(op, () => this.redis.hmget(this.keys.jobs, ...ids), this.redis);
  }

  /** Every type ever scheduled in the namespace, plus any the caller knows of. */
  async types(known: readonly string[]): Promise<string[]> {
    const stored = await withRedis("counts", () => this.redis.smembers(this.keys.types), this.redis);
    return [...new Set([...known, ...stored])].sort();
  }

  async counts(types: readonly string[]): Promise<CountsByType> {
    const cards = await withRedis("counts", () =>
      Promise.all(types.flatMap((type) => setsOf(this.keys.forType(type)).map((key) => this.redis.zcard(key)))),
    this.redis);
    const byType: Record<string, StatusCounts> = {};
    const total = emptyCounts();
    types.forEach((type, t) => {
      const [ready, scheduled, executing, finished, failed, cancelled, rejected] = cards.slice(t * 7, t * 7 + 7) as number[];
      const counts: StatusCounts = { queued: ready! + scheduled!, executing: executing!, finished: finished!, failed: failed!, cancelled: cancelled!, rejected: rejected! };
      byType[type] = counts;
      for (const status of JOB_STATUSES) total[status] += counts[status];
    });
    return { total, byType };
  }

  /**
   * Ids of one status, newest first for terminal statuses, next-to-run first for queued and
   * executing; across types, merged by the same order.
   */
  async ids(status: JobStatus, types: readonly string[], offset: number, limit: number): Promise<string[]> {
    const entries = await withRedis("listJobs", () =>
      Promise.all(types.flatMap((type) => keysOfStatus(this.keys.forType(type), status).map((key) => this.range(status, key, offset + limit)))),
    this.redis);
    const merged = entries.flat().sort((a, b) => (status === "queued" || status === "executing" ? a.score - b.score : b.score - a.score));
    return merged.slice(offset, offset + limit).map((e) => e.id);
  }

  private async range(status: JobStatus, key: string, count: number): Promise<{ id: string; score: number }[]> {
    const order = status === "queued" || status === "executing" ? [] : ["REV"];
    const reply = (await this.redis.call("ZRANGE", key, 0, count - 1, ...order, "WITHSCORES")) as string[];
    const out: { id: string; score: number }[] = [];
    // Ready scores carry priority in their high bits; scheduled ones are plain run-at times and rank after.
    const bias = key.includes(":scheduled:") ? 2 ** 53 : 0;
    for (let i = 0; i < reply.length; i += 2) out.push({ id: reply[i]!, score: Number(reply[i + 1]) + bias });
    return out;
  }

  async running(types: readonly string[]): Promise<number> {
    const cards = await withRedis("running", () => Promise.all(types.map((type) => this.redis.zcard(this.keys.forType(type).executing))), this.redis);
    return cards.reduce((a, b) => a + b, 0);
  }
}

function setsOf(k: TypeKeys): string[] {
  return [k.ready, k.scheduled, k.executing, k.finished, k.failed, k.cancelled, k.rejected];
}

function keysOfStatus(k: TypeKeys, status: JobStatus): string[] {
  return status === "queued" ? [k.ready, k.scheduled] : [k[status]];
}

function emptyCounts(): StatusCounts {
  return { queued: 0, executing: 0, finished: 0, failed: 0, cancelled: 0, rejected: 0 };
}
