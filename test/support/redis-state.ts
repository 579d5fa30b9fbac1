import { afterAll, expect } from "vitest";
import type { Redis } from "ioredis";
import type { Jobs, JobStatus, Pool, PoolEvents } from "typed-jobs";
import { waitUntil, type RedisServer } from "./redis-server.js";

/** The per-type sorted sets of the data model, by their key kind (`tj:{<ns>}:<kind>:<type>`). */
export const SET_KINDS = ["ready", "scheduled", "executing", "finished", "failed", "cancelled", "rejected"] as const;
export type SetKind = (typeof SET_KINDS)[number];

/**
 * Every per-type place that can hold a job: the sorted sets, and the queue list (`queue:<type>`),
 * where due jobs of priority 0 wait, oldest first. The ready zset holds only due jobs with a priority.
 */
export const PLACES = [...SET_KINDS, "queue"] as const;
export type Place = (typeof PLACES)[number];

/** Where a queued job may be: due with a priority, due at priority 0, or not yet due. */
export const QUEUED_PLACES: readonly Place[] = ["ready", "queue", "scheduled"];

/**
 * A plain ioredis client on the file's private redis-server, for reading and seeding the data model
 * by hand (never the library's own client). One per test file, closed after the file.
 */
export function useRedisClient(server: () => RedisServer): () => Redis {
  let client: Redis | undefined;
  afterAll(async () => {
    await client?.quit().catch(() => client?.disconnect());
  });
  return () => (client ??= server().client());
}

/** Key names written out here by hand, so a test notices if the runtime's layout drifts. */
export function keyOf(namespace: string, kind: Place | "wake" | "idle" | "handoff" | "deferred", type: string): string {
  return `tj:{${namespace}}:${kind}:${type}`;
}

export function jobsKey(namespace: string): string {
  return `tj:{${namespace}}:jobs`;
}

/** Every index at which the queue list of `type` holds `id`, head (next to run) first. */
export async function queuePositions(redis: Redis, namespace: string, type: string, id: string): Promise<number[]> {
  return redis.lpos(keyOf(namespace, "queue", type), id, "COUNT", 0);
}

/**
 * The places of `type` that hold `id`: for a sorted set its score, for the queue list the id's
 * index from the head (its first, should the list hold it more than once: see queuePositions).
 */
export async function setsHolding(redis: Redis, namespace: string, type: string, id: string): Promise<Partial<Record<Place, number>>> {
  const [scores, positions] = await Promise.all([
    Promise.all(SET_KINDS.map((kind) => redis.zscore(keyOf(namespace, kind, type), id))),
    queuePositions(redis, namespace, type, id),
  ]);
  const held: Partial<Record<Place, number>> = {};
  SET_KINDS.forEach((kind, i) => {
    if (scores[i] !== null && scores[i] !== undefined) held[kind] = Number(scores[i]);
  });
  if (positions.length > 0) held.queue = positions[0]!;
  return held;
}

/** The record's header, decoded from `<header JSON>\n<payload JSON>`, with the defaults a stored header leaves out. */
export async function headerOf(redis: Redis, namespace: string, id: string): Promise<Record<string, unknown>> {
  const raw = await redis.hget(jobsKey(namespace), id);
  if (raw === null) throw new Error(`no record for ${id}`);
  const header = JSON.parse(raw.slice(0, raw.indexOf("\n"))) as Record<string, unknown>;
  header.s ??= "queued";
  header.c ??= header.at;
  return header;
}

/**
 * Asserts the whole observable state of one job: the status findJob reads, the header's status, and
 * that exactly one per-type place holds the id, once. Returns that place. A queued job is in the
 * queue list when due at priority 0, in the ready zset when due with another priority, else in the
 * schedule.
 */
export async function expectJobState(jobs: Pick<Jobs<unknown>, "findJob">, redis: Redis, namespace: string, id: string, status: JobStatus): Promise<Place> {
  const job = await jobs.findJob(id);
  expect(job.status, `findJob(${id}).status`).toBe(status);
  expect((await headerOf(redis, namespace, id)).s).toBe(status);
  const held = Object.keys(await setsHolding(redis, namespace, job.type, id)) as Place[];
  expect(held, `places holding ${id}`).toHaveLength(1);
  const kind = held[0]!;
  if (status === "queued") expect(QUEUED_PLACES).toContain(kind);
  else expect(kind).toBe(status);
  if (kind === "queue") {
    expect(await queuePositions(redis, namespace, job.type, id), `positions of ${id} in the queue list`).toHaveLength(1);
    expect(job.priority, `priority of ${id}, in the queue list`).toBe(0);
  }
  if (kind === "ready") expect(job.priority, `priority of ${id}, in the ready zset`).not.toBe(0);
  return kind;
}

/** Asserts that no trace of a job is left: no record, no set or list of the type holds it. */
export async function expectGone(redis: Redis, namespace: string, type: string, id: string): Promise<void> {
  expect(await redis.hexists(jobsKey(namespace), id)).toBe(0);
  expect(await setsHolding(redis, namespace, type, id)).toEqual({});
}

/**
 * Writes a record by hand, as an older producer, another language or a damaged disk would: into a
 * sorted set with `score`, or at the tail of the queue list.
 */
export async function seedRecord(redis: Redis, namespace: string, type: string, id: string, raw: string, kind: "queue"): Promise<void>;
export async function seedRecord(redis: Redis, namespace: string, type: string, id: string, raw: string, kind: SetKind, score: number): Promise<void>;
export async function seedRecord(redis: Redis, namespace: string, type: string, id: string, raw: string, kind: Place, score?: number): Promise<void> {
  const write = redis.multi().hset(jobsKey(namespace), id, raw);
  if (kind === "queue") write.rpush(keyOf(namespace, "queue", type), id);
  else write.zadd(keyOf(namespace, kind, type), score!, id);
  await write.rpush(keyOf(namespace, "wake", type), "1").exec();
}

/** The ready-set score the claim script orders by: priority first (higher first), then run-at. */
export function readyScore(priority: number, runAtMs: number): number {
  const TIME_SPAN_MS = 2 ** 42;
  return (1023 - priority) * TIME_SPAN_MS + Math.max(0, runAtMs - 1735689600000);
}

/** A promise a test opens by hand: the handler blocks on it until the test lets it go. */
export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Every event a pool emits, in order, with the job id where there is one. */
export type Recorded = { event: keyof PoolEvents; id?: string; ids?: readonly string[]; error?: Error };

export function recordEvents(pool: Pool): Recorded[] {
  const seen: Recorded[] = [];
  pool.on("started", (job) => seen.push({ event: "started", id: job.id }));
  pool.on("finished", (job) => seen.push({ event: "finished", id: job.id }));
  pool.on("failed", (job, error) => seen.push({ event: "failed", id: job.id, error }));
  pool.on("retried", (job, error) => seen.push({ event: "retried", id: job.id, error }));
  pool.on("rejected", (job, error) => seen.push({ event: "rejected", id: job.id, error }));
  pool.on("cancelled", (job) => seen.push({ event: "cancelled", id: job.id }));
  pool.on("recovered", (ids) => seen.push({ event: "recovered", ids }));
  pool.on("error", (error) => seen.push({ event: "error", error }));
  return seen;
}

/** The events of one job, by name. */
export function eventsOf(seen: readonly Recorded[], id: string): string[] {
  return seen.filter((e) => e.id === id || e.ids?.includes(id)).map((e) => e.event);
}

/** Refreshes a job until it reaches `status` (polling, never sleeping a fixed time). */
export async function waitForStatus(job: { refresh(): Promise<unknown>; readonly status: JobStatus; readonly id: string }, status: JobStatus, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await job.refresh(), job.status === status), timeoutMs, `job ${job.id} did not become ${status} (is ${job.status})`);
}

/** How many clients of the server wait in BLPOP right now: pools idle on their wake lists. */
export async function blockedPools(redis: Redis): Promise<number> {
  const list = String(await redis.client("LIST"));
  return list.split("\n").filter((line) => line.includes("cmd=blpop")).length;
}

/** The client ports (`addr=` in CLIENT LIST) of the connections waiting in BLPOP. */
export async function blockedClientPorts(redis: Redis): Promise<number[]> {
  const list = String(await redis.client("LIST"));
  return list
    .split("\n")
    .filter((line) => line.includes("cmd=blpop"))
    .map((line) => Number(/ addr=[^ ]*:(\d+) /.exec(` ${line}`)?.[1]));
}

/** Calls of the library's Lua functions (FCALL) so far, from INFO commandstats. */
export async function scriptCalls(redis: Redis): Promise<number> {
  const info = await redis.info("commandstats");
  return Number(/^cmdstat_fcall:calls=(\d+)/m.exec(info)?.[1] ?? 0);
}
