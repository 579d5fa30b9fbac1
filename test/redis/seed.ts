import { expect } from "vitest";
import type { Redis } from "ioredis";
import { KeySpace } from "../../src/redis/keys.js";
import { ScriptRunner } from "../../src/redis/script-runner.js";

/**
 * Seeds and reads back the Redis data model by hand, for the before/after tests of each Lua script
 * (STYLE lesson 12). Records are written in the exact stored form, "<header JSON>\n<payload JSON>",
 * and every per-type set entry with the score the scripts would give it. Key names are spelled out
 * here, not taken from KeySpace, so a drift in the layout shows up as a failing state assertion.
 */

export const PREFIX = "tj:";
export const PAYLOAD = '{"n":1}';

/** A fixed time well in the past (2025-06-01): due, and deterministic in ready scores. */
export const T0 = Date.UTC(2025, 5, 1);

/** Far in the future: never due during a test. */
export const FUTURE = Date.now() + 24 * 3_600_000;

export type Header = { t: string; s: string; at: number } & Record<string, unknown>;
export type Kind = "ready" | "scheduled" | "executing" | "finished" | "failed" | "cancelled" | "rejected";

/** One test's namespace: a raw client, its key space and a script runner on it. */
export interface Scope {
  readonly redis: Redis;
  readonly ns: string;
  readonly keys: KeySpace;
  readonly runner: ScriptRunner;
  /** `tj:{<ns>}:<name>`. */
  key(name: string): string;
}

let counter = 0;

export function scope(redis: Redis): Scope {
  const ns = `lua${++counter}-${process.pid}`;
  const keys = new KeySpace(PREFIX, ns);
  return { redis, ns, keys, runner: new ScriptRunner(redis, keys), key: (name) => `${PREFIX}{${ns}}:${name}` };
}

export function encode(header: Header, payload = PAYLOAD): string {
  return `${JSON.stringify(header)}\n${payload}`;
}

/** The ready score claim orders by: priority (higher first) above run-at (earlier first). */
export function readyScore(priority: number, runAt: number): number {
  return (1023 - priority) * 2 ** 42 + Math.max(0, runAt - Date.UTC(2025, 0, 1));
}

/** Writes a raw record and indexes it in one set of its type. */
export async function seedRaw(s: Scope, type: string, id: string, raw: string, kind: Kind, score: number): Promise<void> {
  await s.redis.multi().hset(s.key("jobs"), id, raw).zadd(s.key(`${kind}:${type}`), String(score), id).exec();
}

function header(type: string, status: string, fields: Partial<Header>): Header {
  return { t: type, s: status, at: T0, c: T0, h: `test-${type}`, ...fields };
}

/** A due job: priority 0 at the tail of the queue list, any other priority in the ready zset. */
export async function seedQueued(s: Scope, type: string, id: string, fields: Partial<Header> = {}, payload = PAYLOAD): Promise<Header> {
  const h = header(type, "queued", fields);
  const priority = (h.pr as number | undefined) ?? 0;
  if (priority === 0) await s.redis.multi().hset(s.key("jobs"), id, encode(h, payload)).rpush(s.key(`queue:${type}`), id).exec();
  else await seedRaw(s, type, id, encode(h, payload), "ready", readyScore(priority, h.at));
  return h;
}

/** A queued job waiting in the schedule until its run-at. */
export async function seedScheduled(s: Scope, type: string, id: string, fields: Partial<Header> = {}, payload = PAYLOAD): Promise<Header> {
  const h = header(type, "queued", { at: FUTURE, ...fields });
  await seedRaw(s, type, id, encode(h, payload), "scheduled", h.at);
  return h;
}

/** A job a pool holds, with its lease deadline as the executing score. */
export async function seedExecuting(s: Scope, type: string, id: string, fields: Partial<Header> = {}, deadline = FUTURE, payload = PAYLOAD): Promise<Header> {
  const h = header(type, "executing", { a: 1, st: T0, w: "pool-a", ...fields });
  await seedRaw(s, type, id, encode(h, payload), "executing", deadline);
  return h;
}

/** A job in a terminal status, scored by its finish time. */
export async function seedFinished(s: Scope, type: string, id: string, status: "finished" | "failed" | "cancelled" | "rejected" = "finished", fields: Partial<Header> = {}, payload = PAYLOAD): Promise<Header> {
  const h = header(type, status, { a: 1, st: T0, ft: T0 + 1000, ...fields });
  await seedRaw(s, type, id, encode(h, payload), status, h.ft as number);
  return h;
}

export async function seedPool(s: Scope, poolId: string, heartbeatMs: number): Promise<void> {
  await s.redis.zadd(s.key("pools"), String(heartbeatMs), poolId);
}

export async function seedWake(s: Scope, type: string): Promise<void> {
  await s.redis.rpush(s.key(`wake:${type}`), "1");
}

/** Three ways a record can be unreadable, as the brief and record.lua name them. */
export const CORRUPT_RECORDS = [
  { name: "header not JSON", raw: `{"t":"alpha","s":"queued",\n${PAYLOAD}`, reason: "the record header is not a JSON object" },
  { name: "no job type", raw: `{"s":"queued","at":${T0}}\n${PAYLOAD}`, reason: "the record header has no job type" },
  { name: "numeric field holding a string", raw: `{"t":"alpha","s":"queued","at":${T0},"pr":"high"}\n${PAYLOAD}`, reason: "the record header field 'pr' is not a number" },
  { name: "no header line", raw: "just some bytes / é", reason: "the record has no header line" },
  { name: "no run-at", raw: `{"t":"alpha","s":"queued"}\n${PAYLOAD}`, reason: "the record header has no run-at" },
] as const;

/** A stored record: decoded header and payload text, or the raw text when it does not decode. */
export type StoredRecord = { header: Record<string, unknown>; payload: string } | { raw: string };

/** The whole state of a namespace: every key, by its name after `tj:{<ns>}:`. Empty kinds are omitted. */
export interface State {
  jobs?: Record<string, StoredRecord>;
  zsets?: Record<string, Record<string, number>>;
  lists?: Record<string, string[]>;
  sets?: Record<string, string[]>;
  other?: Record<string, string>;
}

export async function readState(s: Scope): Promise<State> {
  const base = `${PREFIX}{${s.ns}}:`;
  const names = (await s.redis.keys(`${base}*`)).sort();
  const state: State = {};
  for (const full of names) {
    const name = full.slice(base.length);
    const type = await s.redis.type(full);
    if (type === "hash" && name === "jobs") {
      const all = await s.redis.hgetall(full);
      state.jobs = Object.fromEntries(Object.entries(all).map(([id, raw]) => [id, decodeStored(raw)]));
    } else if (type === "zset") {
      const flat = await s.redis.zrange(full, "0", "-1", "WITHSCORES");
      const entries: Record<string, number> = {};
      for (let i = 0; i < flat.length; i += 2) entries[flat[i]!] = Number(flat[i + 1]);
      (state.zsets ??= {})[name] = entries;
    } else if (type === "list") {
      (state.lists ??= {})[name] = await s.redis.lrange(full, 0, -1);
    } else if (type === "set") {
      (state.sets ??= {})[name] = (await s.redis.smembers(full)).sort();
    } else {
      (state.other ??= {})[name] = type;
    }
  }
  return state;
}

/**
 * The record as the scripts read it: a stored header leaves out the defaults (status queued, created
 * = run-at), which are filled in here so the tests state every record whole. The bytes themselves
 * are asserted in schedule.test.ts.
 */
export function decodeStored(raw: string): StoredRecord {
  const newline = raw.indexOf("\n");
  if (newline < 0) return { raw };
  try {
    const header = JSON.parse(raw.slice(0, newline)) as unknown;
    if (typeof header !== "object" || header === null) return { raw };
    const h = header as Record<string, unknown>;
    if (typeof h.t === "string" && typeof h.at === "number") {
      h.s ??= "queued";
      h.c ??= h.at;
    }
    return { header: h, payload: raw.slice(newline + 1) };
  } catch {
    return { raw };
  }
}

/** The record a quarantine leaves: a failed job whose payload is the original bytes as a JSON string. */
export function quarantined(type: string, id: string, raw: string, reason: string, now: Matcher | number = within(Date.now() - 60_000, Date.now() + 60_000)): StoredRecord {
  return {
    header: { t: type, s: "failed", at: now, c: now, ft: now, e: { name: "CorruptJobRecordError", message: `job ${id}: ${reason}` } },
    payload: jsonOf(raw),
  };
}

/** Matches JSON text that decodes to `value` (cjson writes "/" as "\\/", which JSON.parse reads back). */
export function jsonOf(value: unknown): string {
  const m: Matcher = {
    asymmetricMatch: (other) => {
      try {
        return typeof other === "string" && JSON.stringify(JSON.parse(other)) === JSON.stringify(value);
      } catch {
        return false;
      }
    },
    toString: () => "JsonOf",
    toAsymmetricMatcher: () => `JsonOf<${JSON.stringify(value)}>`,
  };
  return m as unknown as string;
}

/** An asymmetric matcher for a number in [lo, hi]: timestamps from Redis's clock. */
export interface Matcher {
  asymmetricMatch(other: unknown): boolean;
  toString(): string;
  toAsymmetricMatcher(): string;
}

export function within(lo: number, hi: number): Matcher & number {
  const m: Matcher = {
    asymmetricMatch: (other) => typeof other === "number" && other >= lo && other <= hi,
    toString: () => "Within",
    toAsymmetricMatcher: () => `Within<${lo}..${hi}>`,
  };
  return m as Matcher & number;
}

/** Brackets a script call with the local clock, for matching the Redis-clock times it writes. */
export async function timed<T>(call: () => Promise<T>): Promise<{ result: T; now: Matcher & number; lo: number; hi: number }> {
  // Redis TIME and Date.now() read the same host clock; 2 ms covers the rounding of each.
  const lo = Date.now() - 2;
  const result = await call();
  const hi = Date.now() + 2;
  return { result, now: within(lo, hi), lo, hi };
}

/**
 * Schedules job `j<i>` (i = 0, 1, …) with `scheduleJob` until the run-ats written, each read back
 * against Redis's clock before and after its call, have had milliseconds of 1, 2 and 3 digits. The
 * schedule scripts write a due job's run-at from TIME's text, whose microseconds have no leading zeros.
 */
export async function expectRunAtInEveryMillisecondWidth(s: Scope, type: string, scheduleJob: (id: string) => Promise<unknown>): Promise<void> {
  const redisMs = async () => {
    const [seconds, micros] = await s.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };
  const digits = new Set<number>();
  for (let i = 0; digits.size < 3; i++) {
    const lo = await redisMs();
    await scheduleJob(`j${i}`);
    const hi = await redisMs();
    const header = JSON.parse((await s.redis.hget(s.key("jobs"), `j${i}`))!.split("\n")[0]!) as Record<string, unknown>;
    expect(header).toEqual({ at: within(lo, hi), t: type, h: `test-${type}` });
    digits.add(String((header.at as number) % 1000).length);
    expect(i, "calls before the milliseconds 0-9, 10-99 and 100-999 all came round").toBeLessThan(100_000);
  }
}

/** The record as expected in state: header fields plus the default payload. */
export function rec(header: Record<string, unknown>, payload = PAYLOAD): StoredRecord {
  return { header, payload };
}
