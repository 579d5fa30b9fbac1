import type { JobStatus, StatusCounts, StatusCountsByType } from "../interfaces.js";
import { JOB_STATUSES } from "../interfaces.js";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace, TypeKeys } from "../redis/keys.js";
import { withRedis } from "../redis/redis-error.js";
import { QUEUE_BAND, sinceTimeBase } from "../redis/ready-score.js";
import { QUEUE_HOLE } from "../redis/queue-hole.js";
import { decodeRecord } from "../redis/record.js";

/** Entries a listing reads past a queue list's page for its holes, at most. */
export const MAX_HOLES_READ = 1000;

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

  /** The paused job types (pause.lua), sorted. */
  async pausedTypes(): Promise<string[]> {
    return (await withRedis("pausedTypes", () => this.redis.smembers(this.keys.paused), this.redis)).sort();
  }

  /** Holes still in each type's queue list (includes/holes.lua): entries of the list that are no job. */
  async holes(types: readonly string[]): Promise<number[]> {
    if (types.length === 0) return [];
    const counts = await withRedis("counts", () => this.redis.hmget(this.keys.holes, ...types), this.redis);
    return counts.map((count) => Math.max(0, Number(count ?? 0)));
  }

  async counts(types: readonly string[]): Promise<StatusCountsByType> {
    const [cards, holes] = await withRedis("counts", () =>
      Promise.all([
        Promise.all(types.flatMap((type) => {
          const k = this.keys.forType(type);
          return [...setsOf(k).map((key) => this.redis.zcard(key)), this.redis.llen(k.queue), this.redis.zcard(k.deferred)];
        })),
        this.holes(types),
      ]),
    this.redis);
    const byType: Record<string, StatusCounts> = {};
    const total = emptyCounts();
    types.forEach((type, t) => {
      const [ready, scheduled, executing, finished, failed, cancelled, rejected, listed, deferred] = cards.slice(t * 9, t * 9 + 9) as number[];
      const queue = Math.max(0, listed! - holes[t]!);
      const counts: StatusCounts = { queued: ready! + scheduled! + queue, executing: executing!, finished: finished!, failed: failed!, cancelled: cancelled!, rejected: rejected!, deferred: deferred! };
      byType[type] = counts;
      for (const status of JOB_STATUSES) total[status] += counts[status];
    });
    return { total, byType };
  }

  /**
   * Ids of one status, newest first for terminal statuses, next-to-run first for queued and
   * executing; across types, merged by the same order a claim uses. For queued jobs, a queue list is
   * read past its holes (left by a bulk cancel) by at most MAX_HOLES_READ entries, so a read costs
   * what the page asks for, whatever the holes: where holes are denser than that, the page may hold
   * fewer jobs than `limit`, or miss some of the list's, until claims have popped them.
   */
  async ids(status: JobStatus, types: readonly string[], offset: number, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    if (status === "deferred") return this.deferredIds(types, offset, limit);
    if (status !== "queued" && types.length === 1) {
      // One sorted set, nothing to merge: Redis seeks to the page by rank, however deep it is.
      const key = this.keys.forType(types[0]!)[status];
      const rev = status === "executing" ? [] : ["REV"];
      return withRedis("listJobs", () => this.redis.call("ZRANGE", key, offset, offset + limit - 1, ...rev) as Promise<string[]>, this.redis);
    }
    const count = offset + limit;
    // A queue list's holes are no jobs: its head is read further, up to the cap, and they are left out.
    const holes = status === "queued" ? (await this.holes(types)).map((n) => Math.min(n, MAX_HOLES_READ)) : [];
    const reads: { key: string; kind: "list" | "zset"; bias: number; length: number }[] = types.flatMap((type, t) => {
      const k = this.keys.forType(type);
      if (status !== "queued") return [{ key: k[status], kind: "zset" as const, bias: 0, length: count }];
      return [
        { key: k.ready, kind: "zset" as const, bias: 0, length: count },
        { key: k.queue, kind: "list" as const, bias: 0, length: count + holes[t]! },
        { key: k.scheduled, kind: "zset" as const, bias: SCHEDULED_BIAS, length: count },
      ];
    });
    const newestFirst = status !== "queued" && status !== "executing";
    const entries = await withRedis("listJobs", async () => {
      // One transaction: a job that moves between its type's keys while they are read (a promotion
      // from scheduled to ready, a claim and a retry) is listed once, never twice or not at all.
      const tx = this.redis.multi();
      for (const read of reads) {
        if (read.kind === "list") tx.lrange(read.key, 0, read.length - 1);
        else tx.call("ZRANGE", read.key, 0, read.length - 1, ...(newestFirst ? ["REV"] : []), "WITHSCORES");
      }
      const replies = await tx.exec();
      if (!replies) throw new Error("the listing transaction was aborted");
      return Promise.all(replies.map(([error, reply], i) => {
        if (error) throw error;
        const read = reads[i]!;
        return read.kind === "list" ? this.rankQueueList((reply as string[]).filter((id) => id !== QUEUE_HOLE)) : ranked(reply as string[], read.bias);
      }));
    }, this.redis);
    const merged = entries.flat().sort((a, b) => (newestFirst ? b.score - a.score : a.score - b.score));
    return merged.slice(offset, offset + limit).map((e) => e.id);
  }

  /**
   * A queue list's head, ranked as claim.lua ranks it against other types: by run-at, read from
   * each record, never earlier than the entry before it (a list is taken from its head only).
   */
  private async rankQueueList(ids: string[]): Promise<Ranked[]> {
    const raws = ids.length === 0 ? [] : await this.redis.hmget(this.keys.jobs, ...ids);
    let floor = QUEUE_BAND;
    return ids.map((id, i) => {
      floor = Math.max(floor, QUEUE_BAND + sinceTimeBase(runAtOf(id, raws[i])));
      return { id, score: floor };
    });
  }

  /**
   * Deferred jobs, soonest deadline first. Each type's deferred:<T> sorts by identity, then deadline
   * (includes/deferral.lua): the first offset + limit of each are read and merged by deadline, so
   * with several identities deferred at once a page is in deadline order within what was read.
   */
  private async deferredIds(types: readonly string[], offset: number, limit: number): Promise<string[]> {
    const count = offset + limit;
    const replies = await withRedis("listJobs", () => Promise.all(types.map((type) => this.redis.call("ZRANGE", this.keys.forType(type).deferred, 0, count - 1) as Promise<string[]>)), this.redis);
    const entries = replies.flat().flatMap((member) => {
      const parts = /^[^:]*:(\d{15}):/.exec(member);
      return parts ? [{ id: member.slice(parts[0].length), score: Number(parts[1]) }] : [];
    });
    return entries.sort((a, b) => a.score - b.score).slice(offset, offset + limit).map((e) => e.id);
  }

  async running(types: readonly string[]): Promise<number> {
    const cards = await withRedis("running", () => Promise.all(types.map((type) => this.redis.zcard(this.keys.forType(type).executing))), this.redis);
    return cards.reduce((a, b) => a + b, 0);
  }
}

function setsOf(k: TypeKeys): string[] {
  return [k.ready, k.scheduled, k.executing, k.finished, k.failed, k.cancelled, k.rejected];
}

interface Ranked {
  id: string;
  score: number;
}

/** Scheduled scores are plain run-at times; a scheduled job ranks after every ready one. */
const SCHEDULED_BIAS = 2 ** 53;

/** A ZRANGE ... WITHSCORES reply as ids with scores. */
function ranked(reply: string[], bias: number): Ranked[] {
  const out: Ranked[] = [];
  for (let i = 0; i < reply.length; i += 2) out.push({ id: reply[i]!, score: Number(reply[i + 1]) + bias });
  return out;
}

/** A record's run-at, or 0 when it cannot be read: listing shows a corrupt record, it does not judge it. */
function runAtOf(id: string, raw: string | null | undefined): number {
  if (!raw) return 0;
  try {
    return decodeRecord(id, raw, "listJobs").header.at;
  } catch {
    return 0;
  }
}

function emptyCounts(): StatusCounts {
  return { queued: 0, executing: 0, finished: 0, failed: 0, cancelled: 0, rejected: 0, deferred: 0 };
}
