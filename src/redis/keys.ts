import { InvalidOptionError } from "../errors.js";
import { assertTypeName } from "../options/type-name.js";

/**
 * The namespace-wide keys, then each job type's keys, in the order a script is given those its
 * `-- @keys` line names (codegen/lua/embed-lua.ts, includes/keys.lua). Per type: ready (zset of due
 * jobs with a priority), scheduled, executing, finished, failed, cancelled, rejected (zsets), wake
 * (list), queue (due jobs of priority 0, oldest first: a list costs a few bytes per job, where a zset
 * member costs 100+), idle (zset of pools waiting for a hand-off), handoff (list of jobs handed
 * to them), throughput (jobs ended per minute) and deferred (jobs of a contract identity some pool did
 * not know, waiting for one that does: includes/deferral.lua). Namespace-wide besides jobs, types and pools:
 * paused (set of paused types), holes (hash: per type, removed entries still in its queue list),
 * poolinfo (hash: pool id -> what the pool published with its heartbeat) and contracts (hash: the
 * payload schemas runtimes published), recurring (set: ids of jobs made recurring, a superset
 * that readers check against the records).
 */
export const GLOBAL_KEY_KINDS = ["jobs", "types", "pools", "paused", "holes", "poolinfo", "contracts", "recurring"] as const;
export const TYPE_KEY_KINDS = ["ready", "scheduled", "executing", "finished", "failed", "cancelled", "rejected", "wake", "queue", "idle", "handoff", "throughput", "deferred"] as const;
export type GlobalKeyKind = (typeof GLOBAL_KEY_KINDS)[number];
export type TypeKeyKind = (typeof TYPE_KEY_KINDS)[number];

/** The keys of one job type, by kind. */
export type TypeKeys = Readonly<Record<TypeKeyKind, string>>;

const NAMESPACE = /^[^{}\s]+$/;

/**
 * The only place a key string is made. Every key of a namespace is `<prefix>{<namespace>}:...`: one
 * hash tag, so every script runs on Redis Cluster and a namespace can live on any shard.
 */
export class KeySpace {
  readonly jobs: string;
  readonly types: string;
  readonly pools: string;
  readonly paused: string;
  readonly holes: string;
  readonly poolinfo: string;
  readonly contracts: string;
  readonly recurring: string;
  private readonly base: string;
  private readonly typeKeyCache = new Map<string, TypeKeys>();

  constructor(readonly prefix: string, readonly namespace: string) {
    if (!NAMESPACE.test(namespace)) throw new InvalidOptionError("configure", "namespace", `must be non-empty with no braces or spaces, got ${JSON.stringify(namespace)}`);
    if (/[{}]/.test(prefix)) throw new InvalidOptionError("configure", "prefix", `must not contain braces, got ${JSON.stringify(prefix)}`);
    this.base = `${prefix}{${namespace}}:`;
    this.jobs = `${this.base}jobs`;
    this.types = `${this.base}types`;
    this.pools = `${this.base}pools`;
    this.paused = `${this.base}paused`;
    this.holes = `${this.base}holes`;
    this.poolinfo = `${this.base}poolinfo`;
    this.contracts = `${this.base}contracts`;
    this.recurring = `${this.base}recurring`;
  }

  forType(type: string): TypeKeys {
    let keys = this.typeKeyCache.get(type);
    if (!keys) {
      assertTypeName(type, "keys");
      keys = Object.fromEntries(TYPE_KEY_KINDS.map((kind) => [kind, `${this.base}${kind}:${type}`])) as TypeKeys;
      this.typeKeyCache.set(type, keys);
    }
    return keys;
  }
}
