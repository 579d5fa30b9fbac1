import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from "ioredis";
import { isIP } from "node:net";
import { InvalidOptionError } from "../errors.js";

/** A standalone, Sentinel or Cluster client: the library needs nothing that differs between them. */
export type RedisClient = Redis | Cluster;

/**
 * How to reach Redis: a URL, plain ioredis options (host, port, path, tls, username, password, db,
 * sentinels + name for Sentinel), or `cluster` with its seed nodes.
 */
export interface RedisConnectionOptions extends RedisOptions {
  readonly url?: string;
  readonly cluster?: readonly ClusterNode[];
  readonly clusterOptions?: ClusterOptions;
}

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * Parses redis://, rediss:// (TLS), unix:///path/to.sock?db=2 or a bare socket path. Credentials
 * come from the URL's user and password; they are never echoed in errors.
 */
export function parseRedisUrl(url: string, op = "connect"): RedisOptions {
  if (url.startsWith("/")) return { path: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidOptionError(op, "redis", "must be a redis://, rediss:// or unix:// URL or a socket path");
  }
  const options: RedisOptions = {};
  if (parsed.username) options.username = decodeCredential(parsed.username, op);
  if (parsed.password) options.password = decodeCredential(parsed.password, op);
  const db = parsed.searchParams.get("db") ?? parsed.pathname.replace(/^\//, "");
  if (parsed.protocol === "unix:") {
    options.path = parsed.pathname;
    const socketDb = parsed.searchParams.get("db");
    if (socketDb) options.db = parseDb(socketDb, op);
    return options;
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new InvalidOptionError(op, "redis", `has unsupported scheme ${parsed.protocol} (use redis://, rediss:// or unix://)`);
  }
  options.host = parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  options.port = parsed.port ? Number(parsed.port) : 6379;
  if (db) options.db = parseDb(db, op);
  // SNI carries a host name only (RFC 6066); for an IP address the certificate is still checked against the IP.
  if (parsed.protocol === "rediss:") options.tls = isIP(options.host) ? {} : { servername: options.host };
  return options;
}

// The text is not echoed: a password with an unescaped "/" ends up in the URL's path, which would
// then be shown as the database.
function parseDb(text: string, op: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidOptionError(op, "redis", "database (the URL's path or ?db=) must be a non-negative integer");
  return Number(text);
}

// A raw "%" in a password is not valid percent-encoding: a typed error that does not echo it, not a URIError.
function decodeCredential(text: string, op: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidOptionError(op, "redis", "has a user name or password that is not valid percent-encoding (write a literal % as %25)");
  }
}

export interface ClientRole {
  /** Blocking clients wait on BLPOP and must never give up on a command while Redis is away. */
  readonly blocking?: boolean;
}

/** Opens a client with the library's defaults: no auto-pipelining, lazy connect, reconnect for ever. */
export function createRedisClient(source: string | RedisConnectionOptions | undefined, role: ClientRole = {}): RedisClient {
  const resolved = typeof source === "string" || source === undefined ? { url: source ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL } : source;
  const { url, cluster, clusterOptions, ...rest } = resolved;
  const fromUrl = url ? parseRedisUrl(url) : {};
  // rediss:// turns TLS on and names the server; tls options given beside the URL (a CA, a client
  // certificate) add to that instead of replacing it.
  const tls = fromUrl.tls || rest.tls ? { ...fromUrl.tls, ...rest.tls } : undefined;
  const base: RedisOptions = {
    // RESP2: the replies every script and query here is written against, on any Redis 6+ server.
    protocol: 2,
    // Off unless asked for: ioredis sends one auto-pipeline at a time and defers it to setImmediate,
    // which doubles the client CPU of each awaited call and keeps a pool's second claim waiting for
    // the first one's reply (bench/RESULTS.md). Commands still share the socket without waiting.
    enableAutoPipelining: false,
    // A command waits through a short outage, then fails with RedisUnavailableError so a caller
    // is never left hanging; pools catch it and try again.
    maxRetriesPerRequest: role.blocking ? null : 3,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    lazyConnect: false,
    ...fromUrl,
    ...rest,
    ...(tls ? { tls } : {}),
    // A pool's blocking wait outlives any outage whatever the caller set for ordinary commands.
    ...(role.blocking ? { maxRetriesPerRequest: null, enableAutoPipelining: false, commandTimeout: undefined } : {}),
  };
  const client = cluster
    ? new Cluster([...cluster], { ...clusterOptions, redisOptions: base, enableAutoPipelining: !role.blocking && (clusterOptions?.enableAutoPipelining ?? false) })
    : new Redis(base);
  client.on("error", (error: Error) => lastErrors.set(client, error));
  client.on("ready", () => lastErrors.delete(client));
  return client;
}

const lastErrors = new WeakMap<RedisClient, Error>();

/**
 * Why the client could not connect the last time it tried (refused, bad password, untrusted
 * certificate), until it connects again: a command that gave up waiting says only that it gave up.
 */
export function lastConnectionError(client: RedisClient): Error | undefined {
  return lastErrors.get(client);
}
