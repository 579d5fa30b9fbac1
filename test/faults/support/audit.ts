import type { Redis } from "ioredis";
import { waitUntil } from "../../support/redis-server.js";
import { doneKey, execKey } from "./contract.js";

const STATUSES = ["ready", "scheduled", "executing", "finished", "failed", "cancelled", "rejected"] as const;
/** The per-type sorted sets, and the queue list: due jobs of priority 0, which the ready zset no longer holds. */
type SetKind = (typeof STATUSES)[number] | "queue";

const setKey = (namespace: string, kind: SetKind, type = "work"): string => `tj:{${namespace}}:${kind}:${type}`;
export const jobsKey = (namespace: string): string => `tj:{${namespace}}:jobs`;

export interface Audit {
  /** Jobs per set or list of the data model (queue, ready and scheduled are the three parts of queued). */
  readonly counts: Record<SetKind, number>;
  /** How many records the jobs hash holds. */
  readonly records: number;
  /** Executions started per job id (every attempt the handler began). */
  readonly executions: Map<string, number>;
  /** Executions that ran to the handler's end, per job id. */
  readonly completions: Map<string, number>;
  /** Each record's header, by id. */
  readonly headers: Map<string, Header>;
}

export interface Header {
  readonly s: string;
  readonly a?: number;
  readonly rc?: number;
  readonly f?: number;
  readonly w?: string;
  readonly e?: { name: string; message: string };
}

/** Counts of the per-type sets and of the queue list, right now. */
export async function setCounts(redis: Redis, namespace: string): Promise<Record<SetKind, number>> {
  const [sizes, queue] = await Promise.all([Promise.all(STATUSES.map((kind) => redis.zcard(setKey(namespace, kind)))), redis.llen(setKey(namespace, "queue"))]);
  return { ...(Object.fromEntries(STATUSES.map((kind, i) => [kind, sizes[i]!])) as Record<(typeof STATUSES)[number], number>), queue };
}

/** Ids in the executing set whose last claim was by `poolId`, right now. */
export async function executingBy(redis: Redis, namespace: string, poolId: string): Promise<string[]> {
  const ids = await redis.zrange(setKey(namespace, "executing"), "0", "-1");
  const headers = await readHeaders(redis, namespace, ids);
  return ids.filter((id) => headers.get(id)?.w === poolId);
}

/**
 * Waits until no job is queued (queue list, ready or scheduled) or executing, then reads every
 * record and the execution log: per-set counts and the executions per job id.
 */
export async function drainAndAudit(redis: Redis, namespace: string, timeoutMs = 60_000): Promise<Audit> {
  await waitUntil(async () => {
    const c = await setCounts(redis, namespace);
    return c.queue + c.ready + c.scheduled + c.executing === 0;
  }, timeoutMs, `namespace ${namespace}: jobs still queued or executing after ${timeoutMs} ms: ${JSON.stringify(await setCounts(redis, namespace).catch(() => "?"))}`);
  const counts = await setCounts(redis, namespace);
  const ids = await redis.hkeys(jobsKey(namespace));
  return {
    counts,
    records: ids.length,
    executions: perId(await redis.hkeys(execKey(namespace))),
    completions: perId(await redis.hkeys(doneKey(namespace))),
    headers: await readHeaders(redis, namespace, ids),
  };
}

async function readHeaders(redis: Redis, namespace: string, ids: string[]): Promise<Map<string, Header>> {
  const headers = new Map<string, Header>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    if (chunk.length === 0) break;
    const raws = await redis.hmget(jobsKey(namespace), ...chunk);
    chunk.forEach((id, k) => {
      const raw = raws[k];
      // A stored header leaves out the status when it is queued.
      if (raw) headers.set(id, { s: "queued", ...(JSON.parse(raw.slice(0, raw.indexOf("\n"))) as Partial<Header>) });
    });
  }
  return headers;
}

function perId(fields: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const field of fields) {
    const id = field.slice(0, field.lastIndexOf("#"));
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Ids executed more than once. */
export function duplicates(audit: Audit): string[] {
  return [...audit.executions].filter(([, n]) => n > 1).map(([id]) => id);
}
