import { JobsError, RedisCommandError, RedisUnavailableError } from "../errors.js";

/** Redis replied with an error (ReplyError) or the connection failed: one place decides which. */
export function toRedisError(op: string, error: unknown): JobsError {
  if (error instanceof JobsError) return error;
  const name = error instanceof Error ? error.name : "";
  if (name === "ReplyError" || name === "ReplyErrorWithPrefix") return new RedisCommandError(op, error);
  return new RedisUnavailableError(op, error);
}

/** Runs a Redis call and turns any failure into a typed JobsError naming the operation. */
export async function withRedis<T>(op: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRedisError(op, error);
  }
}
