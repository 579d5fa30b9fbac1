import type { BulkProgress, JobSnapshot, PoolInfo } from "typed-jobs";
import type { ContractBook, ContractVerdict } from "./contract-book.js";

/** A job as every `--json` document shows it (docs/cli.md, "The job object"). */
export interface JobJson {
  readonly id: string;
  readonly type: string;
  readonly status: string;
  /** Masked by the type's registered schema. */
  readonly payload: unknown;
  readonly priority: number;
  readonly runAt: string;
  readonly createdAt: string;
  readonly attempts: number;
  readonly retriesLeft: number;
  readonly retries: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly error: { readonly name: string; readonly message: string; readonly stack: string | null; readonly issues: readonly { path: string; message: string }[] } | null;
  readonly recurrence: { readonly every: number } | { readonly cron: string; readonly timezone: string | null } | null;
  readonly schemaHash: string | null;
  readonly poolId: string | null;
  readonly cancelRequested: boolean;
  /** While deferred: the contract identity no pool that claimed it knew, since when, and until when it waits. */
  readonly deferred: { readonly identity: string; readonly since: string; readonly deadline: string } | null;
}

export function jobJson(job: JobSnapshot, book: ContractBook): JobJson {
  const r = job.recurrence;
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    payload: book.shownPayload(job),
    priority: job.priority,
    runAt: job.runAt.toISOString(),
    createdAt: job.createdAt.toISOString(),
    attempts: job.attempts,
    retriesLeft: job.retriesLeft,
    retries: job.retries,
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    durationMs: job.durationMs ?? null,
    error: job.error ? { name: job.error.name, message: job.error.message, stack: job.error.stack ?? null, issues: (job.error.issues ?? []).map((i) => ({ path: i.path, message: i.message })) } : null,
    recurrence: !r ? null : r.cron !== undefined ? { cron: r.cron, timezone: r.timezone ?? null } : { every: Number(r.every) },
    schemaHash: job.schemaHash ?? null,
    poolId: job.poolId ?? null,
    cancelRequested: job.cancelRequested,
    deferred: job.deferred ? { identity: job.deferred.identity, since: job.deferred.since.toISOString(), deadline: job.deferred.deadline.toISOString() } : null,
  };
}

/** The contract part of `show` and `recurring`. */
export interface ContractJson extends ContractVerdict {
  readonly schemaHash: string | null;
}

export function contractJson(job: JobSnapshot, book: ContractBook): ContractJson {
  return { schemaHash: job.schemaHash ?? null, ...book.verdict(job) };
}

export interface PoolJson {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly types: readonly string[];
  readonly concurrency: number;
  readonly running: number;
  readonly startedAt: string;
  readonly lastHeartbeat: string;
  /** Per type, the contract identities the pool's build knows, newest first. */
  readonly identities: { readonly [type: string]: readonly string[] };
}

export function poolJson(pool: PoolInfo): PoolJson {
  return {
    id: pool.id,
    host: pool.host,
    pid: pool.pid,
    types: [...pool.types],
    concurrency: pool.concurrency,
    running: pool.running,
    startedAt: pool.startedAt.toISOString(),
    lastHeartbeat: pool.lastHeartbeat.toISOString(),
    identities: pool.identities,
  };
}

export function progressJson(p: BulkProgress): BulkProgress {
  return { scanned: p.scanned, matched: p.matched, changed: p.changed, total: p.total, batches: p.batches };
}
