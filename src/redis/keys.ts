import { InvalidOptionError } from "../errors.js";

/** The keys of one job type, in the order every Lua script expects them (includes/keys.lua). */
export interface TypeKeys {
  readonly ready: string;
  readonly scheduled: string;
  readonly executing: string;
  readonly finished: string;
  readonly failed: string;
  readonly cancelled: string;
  readonly rejected: string;
  readonly wake: string;
  /** Due jobs of priority 0, oldest first (a list: a few bytes per job, where a zset member costs 100+). */
  readonly queue: string;
}

const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAMESPACE = /^[^{}\s]+$/;

/**
 * The only place a key string is made. Every key of a namespace is `<prefix>{<namespace>}:...`: one
 * hash tag, so every script runs on Redis Cluster and a namespace can live on any shard.
 */
export class KeySpace {
  readonly jobs: string;
  readonly types: string;
  readonly pools: string;
  private readonly base: string;
  private readonly typeKeyCache = new Map<string, TypeKeys>();

  constructor(readonly prefix: string, readonly namespace: string) {
    if (!NAMESPACE.test(namespace)) throw new InvalidOptionError("configure", "namespace", `must be non-empty with no braces or spaces, got ${JSON.stringify(namespace)}`);
    if (/[{}]/.test(prefix)) throw new InvalidOptionError("configure", "prefix", `must not contain braces, got ${JSON.stringify(prefix)}`);
    this.base = `${prefix}{${namespace}}:`;
    this.jobs = `${this.base}jobs`;
    this.types = `${this.base}types`;
    this.pools = `${this.base}pools`;
  }

  forType(type: string): TypeKeys {
    let keys = this.typeKeyCache.get(type);
    if (!keys) {
      assertTypeName(type, "keys");
      const key = (kind: string) => `${this.base}${kind}:${type}`;
      keys = {
        ready: key("ready"),
        scheduled: key("scheduled"),
        executing: key("executing"),
        finished: key("finished"),
        failed: key("failed"),
        cancelled: key("cancelled"),
        rejected: key("rejected"),
        wake: key("wake"),
        queue: key("queue"),
      };
      this.typeKeyCache.set(type, keys);
    }
    return keys;
  }
}

export function assertTypeName(type: string, op: string): void {
  if (typeof type !== "string" || !TYPE_NAME.test(type)) {
    throw new InvalidOptionError(op, "type", `must be an identifier, got ${JSON.stringify(type)}`);
  }
}
