import { JOB_STATUSES, type JobSnapshot, type JobStatus, type Stats, type ThroughputPoint } from "../interfaces.js";
import type { Operations } from "../ops/operations-api.js";
import { payloadMatches } from "../ops/payload-path.js";
import type { ContractView, WhereCondition } from "./contract-view.js";
import { badRequest } from "./http-kit.js";

/** Waiting jobs per type checked against the newest contract for the overview: a sample, never a scan. */
const CONTRACT_SAMPLE = 200;
/** A sample is reused this long: an open overview refreshes on every pushed change. */
const FIT_KEPT_MS = 5000;
/** Jobs read per call while a payload filter scans, and at most per request. */
const SCAN_PAGE = 500;
const SCAN_LIMIT = 5000;
/** A payload larger than this (as JSON) is sent on demand, with a preview. */
export const INLINE_PAYLOAD_CHARS = 256 * 1024;
const PREVIEW_CHARS = 4096;
/** Rejected jobs read, newest first, to group by failing path. */
const REJECTED_SAMPLE = 1000;

export interface ContractFit {
  readonly schemaHash: string | null;
  /** Waiting jobs checked: the next to run, at most CONTRACT_SAMPLE. */
  readonly checked: number;
  readonly failing: number;
}

/** Contract samples by type, with when they were taken; one per dashboard. */
export type FitCache = Map<string, { readonly at: number; readonly fit: ContractFit }>;

export async function overview(ops: Operations, view: ContractView, fits: FitCache): Promise<{ stats: Stats; throughput: Record<string, ThroughputPoint[]>; contractFit: Record<string, ContractFit>; sample: number }> {
  const stats = await ops.stats();
  const types = Object.keys(stats.byType);
  const [series, fit] = await Promise.all([
    Promise.all(types.map((type) => ops.throughput(type, 60))),
    Promise.all(types.map((type) => keptFit(fits, type, () => contractFit(ops, view, type, stats.byType[type]!.counts.queued)))),
  ]);
  return {
    stats,
    throughput: Object.fromEntries(types.map((type, i) => [type, series[i]!])),
    contractFit: Object.fromEntries(types.map((type, i) => [type, fit[i]!])),
    sample: CONTRACT_SAMPLE,
  };
}

async function keptFit(fits: FitCache, type: string, take: () => Promise<ContractFit>): Promise<ContractFit> {
  const kept = fits.get(type);
  if (kept && Date.now() - kept.at < FIT_KEPT_MS) return kept.fit;
  const fit = await take();
  fits.set(type, { at: Date.now(), fit });
  return fit;
}

async function contractFit(ops: Operations, view: ContractView, type: string, queued: number): Promise<ContractFit> {
  const newest = view.newest(type);
  if (!newest || queued === 0) return { schemaHash: newest?.schemaHash ?? null, checked: 0, failing: 0 };
  const jobs = await ops.listJobs("queued", { type, limit: CONTRACT_SAMPLE });
  const failing = jobs.filter((job) => view.verdict(job).passes === false).length;
  return { schemaHash: newest.schemaHash, checked: jobs.length, failing };
}

export interface ListQuery {
  readonly status: JobStatus;
  readonly type: string | undefined;
  readonly offset: number;
  readonly limit: number;
  readonly where: Readonly<Record<string, unknown>>;
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  const status = params.get("status") ?? "";
  if (!(JOB_STATUSES as readonly string[]).includes(status)) throw badRequest(`status must be one of ${JOB_STATUSES.join(", ")}`);
  const type = params.get("type") || undefined;
  const where = parseWhereParam(params.get("where"));
  if (Object.keys(where).length > 0 && type === undefined) throw badRequest("a payload filter needs a job type: each path is checked against its schema");
  return { status: status as JobStatus, type, offset: count(params, "offset", 0, Number.MAX_SAFE_INTEGER), limit: count(params, "limit", 50, 200), where };
}

function parseWhereParam(text: string | null): Record<string, unknown> {
  if (!text) return {};
  let where: unknown;
  try {
    where = JSON.parse(text);
  } catch {
    throw badRequest("where must be a JSON object of path to value");
  }
  if (where === null || typeof where !== "object" || Array.isArray(where)) throw badRequest("where must be a JSON object of path to value");
  return where as Record<string, unknown>;
}

function count(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const text = params.get(name);
  if (text === null || text === "") return fallback;
  if (!/^\d+$/.test(text)) throw badRequest(`${name} must be a non-negative integer`);
  return Math.min(Number(text), max);
}

/**
 * One page of a status. Without a filter, `offset` is a position in the status. With one, `offset`
 * is where the scan starts: jobs are read forward in pages and compared until the page is full or
 * SCAN_LIMIT jobs were read, and `nextOffset` says where the next request goes on.
 */
export async function listPage(ops: Operations, view: ContractView, query: ListQuery) {
  const conditions: WhereCondition[] = query.type ? view.whereConditions(query.type, query.where) : [];
  const counts = await ops.counts();
  const total = query.type ? (counts.byType[query.type]?.[query.status] ?? 0) : counts.total[query.status];
  const select = query.type ? { type: query.type } : {};
  if (conditions.length === 0) {
    const jobs = await ops.listJobs(query.status, { ...select, offset: query.offset, limit: query.limit });
    const next = query.offset + jobs.length;
    return { ...query, total, filtered: false, scanned: jobs.length, nextOffset: next < total && jobs.length === query.limit ? next : null, jobs: jobs.map((job) => jobRow(job, view)) };
  }
  const jobs: JobSnapshot[] = [];
  const seen = new Set<string>();
  let offset = query.offset;
  let scanned = 0;
  let ended = false;
  while (jobs.length < query.limit && scanned < SCAN_LIMIT) {
    const page = await ops.listJobs(query.status, { ...select, offset, limit: SCAN_PAGE });
    for (const job of page) {
      offset++;
      scanned++;
      if (seen.has(job.id) || !payloadMatches(job.payload, conditions)) continue;
      seen.add(job.id);
      jobs.push(job);
      if (jobs.length === query.limit) break;
    }
    if (page.length < SCAN_PAGE && jobs.length < query.limit) {
      ended = true;
      break;
    }
  }
  return { ...query, total, filtered: true, scanned, nextOffset: ended ? null : offset, jobs: jobs.map((job) => jobRow(job, view)) };
}

function jobRow(job: JobSnapshot, view: ContractView) {
  const payload = JSON.stringify(view.shownPayload(job)) ?? "";
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    runAt: job.runAt,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt ?? null,
    attempts: job.attempts,
    error: job.error?.message ?? (job.deferred ? `deferred: contract identity ${job.deferred.identity} unknown to its pools; rejected after ${job.deferred.deadline.toISOString()}` : null),
    payloadPreview: payload.length > 160 ? `${payload.slice(0, 160)}…` : payload,
  };
}

/** One job in full, fit to show: payload masked (and sent on demand when large), its contract verdict, the schema for field descriptions. */
export async function jobDetail(ops: Operations, view: ContractView, id: string) {
  const job = await ops.findJob(id);
  const shown = view.shownPayload(job);
  const text = JSON.stringify(shown) ?? "null";
  const truncated = text.length > INLINE_PAYLOAD_CHARS;
  return {
    job: { ...job, payload: truncated ? null : shown, startedAt: job.startedAt ?? null, finishedAt: job.finishedAt ?? null, durationMs: job.durationMs ?? null, error: job.error ?? null, recurrence: job.recurrence ?? null, schemaHash: job.schemaHash ?? null, poolId: job.poolId ?? null },
    payload: { chars: text.length, truncated, preview: truncated ? text.slice(0, PREVIEW_CHARS) : null },
    contract: view.verdict(job),
    schema: view.newest(job.type)?.schema ?? null,
  };
}

export async function fullPayload(ops: Operations, view: ContractView, id: string): Promise<{ payload: unknown }> {
  return { payload: view.shownPayload(await ops.findJob(id)) };
}

/** The newest rejected jobs (of a type, or all) grouped by failing path and message. */
export async function rejectedGroups(ops: Operations, type: string | undefined) {
  const select = type ? { type } : {};
  const groups = new Map<string, { type: string; path: string; message: string; count: number; sampleIds: string[] }>();
  let scanned = 0;
  while (scanned < REJECTED_SAMPLE) {
    const page = await ops.listJobs("rejected", { ...select, offset: scanned, limit: Math.min(SCAN_PAGE, REJECTED_SAMPLE - scanned) });
    scanned += page.length;
    for (const job of page) {
      const issues = job.error?.issues?.length ? job.error.issues : [{ path: "", message: job.error?.message ?? "rejected" }];
      for (const issue of issues) {
        const key = `${job.type}\n${issue.path}\n${issue.message}`;
        const group = groups.get(key) ?? { type: job.type, path: issue.path, message: issue.message, count: 0, sampleIds: [] };
        group.count++;
        if (group.sampleIds.length < 5) group.sampleIds.push(job.id);
        groups.set(key, group);
      }
    }
    if (page.length < SCAN_PAGE) break;
  }
  return { type: type ?? null, scanned, sample: REJECTED_SAMPLE, groups: [...groups.values()].sort((a, b) => b.count - a.count) };
}

export async function recurringJobs(ops: Operations, view: ContractView) {
  return { jobs: (await ops.recurring()).map((job) => ({ ...jobRow(job, view), recurrence: job.recurrence ?? null })) };
}

export async function poolList(ops: Operations) {
  return { pools: await ops.pools() };
}
