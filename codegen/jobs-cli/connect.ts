import { JobsError, openOperations, type Operations } from "typed-jobs";
import { CliError, ExitCode } from "./cli-error.js";
import { redactUrl, type Target } from "./redis-target.js";

/** How long the CLI waits for Redis to connect and answer its first read before giving up. */
const REACH_TIMEOUT_MS = 3000;
/** How long closing may take; a half-open server never answers QUIT. */
const CLOSE_TIMEOUT_MS = 1000;

/**
 * Opens the namespace's operations, proves Redis answers within a bounded time (a server that
 * accepts the connection and then says nothing must not hang the CLI), runs `use`, and closes.
 * `probe` is that first read; a caller that must only read plain keys (no script) gives its own.
 */
export async function withOperations<T>(target: Pick<Target, "redis" | "namespace" | "prefix">, use: (ops: Operations) => Promise<T>, probe: (ops: Operations) => Promise<unknown> = (ops) => ops.counts()): Promise<T> {
  const shown = redactUrl(target.redis);
  let ops: Operations;
  try {
    ops = openOperations({
      redis: { url: target.redis, connectTimeout: REACH_TIMEOUT_MS, maxRetriesPerRequest: 1 },
      namespace: target.namespace,
      prefix: target.prefix,
    });
  } catch (error) {
    // A malformed URL: the runtime's message never echoes the credentials.
    throw new CliError(`cannot use Redis URL ${shown}: ${error instanceof Error ? error.message : String(error)}`, ExitCode.usage);
  }
  try {
    await reach(ops, shown, probe);
  } catch (error) {
    // Nothing to wait for on a server that does not answer: the process exits without a clean close.
    void ops.close().catch(() => undefined);
    throw error;
  }
  try {
    return await use(ops);
  } finally {
    await within(ops.close(), CLOSE_TIMEOUT_MS).catch(() => undefined);
  }
}

async function reach(ops: Operations, shown: string, probe: (ops: Operations) => Promise<unknown>): Promise<void> {
  try {
    await within(probe(ops), REACH_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof TimeoutError) throw new CliError(`cannot reach Redis at ${shown}: no answer within ${REACH_TIMEOUT_MS / 1000} s`, ExitCode.usage, "REDIS_UNAVAILABLE");
    if (error instanceof JobsError && (error.code === "REDIS_UNAVAILABLE" || error.code === "REDIS_ERROR")) {
      throw new CliError(`cannot reach Redis at ${shown}: ${error.message}`, ExitCode.usage, error.code);
    }
    throw error;
  }
}

class TimeoutError extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
