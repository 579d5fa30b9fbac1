import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from "ioredis";
import { isIP } from "node:net";
import { InvalidOptionError, JobsError, RedisCommandError } from "../errors.js";

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
  /** A blocking client's longest wait, ms: its BLPOP is given up this long plus the command timeout after it was sent. */
  readonly longestWaitMs?: number;
  /**
   * How many waits a blocking client may have sent at once (default 1): Redis starts each when it
   * has answered the one before, so the last may end that many longest waits after it was sent.
   */
  readonly waitsQueued?: number;
}

/** How long a command waits for its reply by default, ms (`commandTimeout` in the redis options; 0 waits for ever). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

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
    // A server that accepts the connection and never answers (a stuck Redis, a half-open proxy)
    // must not leave a caller waiting for ever.
    commandTimeout: DEFAULT_COMMAND_TIMEOUT_MS,
    ...fromUrl,
    ...rest,
    ...(tls ? { tls } : {}),
  };
  // ioredis times a command out at once when given 0: here 0 means no limit.
  const commandTimeout = base.commandTimeout || undefined;
  base.commandTimeout = commandTimeout;
  if (role.blocking) {
    // A pool's blocking wait outlives an outage whatever the caller set for ordinary commands, and
    // a BLPOP is not cut by the command timeout: it is given up only once its own wait plus that
    // margin has passed without a reply (it then ends as a wait that found nothing).
    Object.assign(base, { maxRetriesPerRequest: null, enableAutoPipelining: false, commandTimeout: undefined });
    // ioredis gives up a BLPOP its own timeout plus the grace after sending it; one sent behind
    // others has to wait for theirs first.
    const queuedBehind = ((role.waitsQueued ?? 1) - 1) * (role.longestWaitMs ?? 0);
    if (commandTimeout) Object.assign(base, { blockingTimeout: (role.longestWaitMs ?? 0) + queuedBehind + commandTimeout, blockingTimeoutGrace: commandTimeout + queuedBehind });
  }
  const client = cluster
    ? new Cluster([...cluster], { ...clusterOptions, redisOptions: base, enableAutoPipelining: !role.blocking && (clusterOptions?.enableAutoPipelining ?? false) })
    : new Redis(base);
  targets.set(client, describeTarget(resolved, fromUrl, base));
  client.on("error", (error: Error) => {
    lastErrors.set(client, error);
    // ioredis reports a failed SELECT and carries on in database 0: writes would land where no
    // reader looks. The client is closed before it sends anything else, and every call says why.
    if (isSelectRefusal(error) && !refusals.has(client)) {
      refusals.set(client, new RedisCommandError("connect", new Error(`SELECT ${base.db ?? 0} failed on ${targets.get(client)} (${error.message}); nothing was sent to another database`)));
      client.disconnect();
    }
  });
  client.on("ready", () => lastErrors.delete(client));
  return client;
}

const targets = new WeakMap<RedisClient, string>();
const refusals = new WeakMap<RedisClient, JobsError>();

/** Why the client was closed at connect for good (its database could not be selected), if it was. */
export function connectRefusal(client: RedisClient): JobsError | undefined {
  return refusals.get(client);
}

function isSelectRefusal(error: Error): boolean {
  const command = (error as { command?: { name?: unknown } }).command;
  return error.name === "ReplyError" && typeof command?.name === "string" && command.name.toLowerCase() === "select";
}

/** The server a client talks to, for errors: host and port (or socket, Sentinel set, Cluster seeds) and database; never a password. */
export function redisTarget(client: RedisClient): string | undefined {
  return targets.get(client);
}

function describeTarget(resolved: RedisConnectionOptions, fromUrl: RedisOptions, base: RedisOptions): string {
  if (resolved.cluster) return `cluster ${resolved.cluster.map((node) => (typeof node === "object" ? `${node.host ?? "127.0.0.1"}:${node.port ?? 6379}` : String(node))).join(",")}`;
  const db = base.db ? `/${base.db}` : "";
  if (base.sentinels) return `sentinel ${base.name ?? "mymaster"}${db}`;
  if (base.path) return `${base.path}${db}`;
  const user = fromUrl.username ?? resolved.username;
  return `${user ? `${user}@` : ""}${base.host ?? "127.0.0.1"}:${base.port ?? 6379}${db}`;
}

const lastErrors = new WeakMap<RedisClient, Error>();

/**
 * Why the client could not connect the last time it tried (refused, bad password, untrusted
 * certificate), until it connects again: a command that gave up waiting says only that it gave up.
 */
export function lastConnectionError(client: RedisClient): Error | undefined {
  return lastErrors.get(client);
}
