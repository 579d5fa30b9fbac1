import { JobsError, RedisCommandError, RedisUnavailableError } from "../errors.js";
import { lastConnectionError, type RedisClient } from "./connection.js";

/**
 * Redis replied with an error (ReplyError) or the connection failed: one place decides which. Given
 * the client, an unavailable error also names why the client could not connect.
 */
export function toRedisError(op: string, error: unknown, client?: RedisClient): JobsError {
  if (error instanceof JobsError) return error;
  const name = error instanceof Error ? error.name : "";
  if (name === "ReplyError" || name === "ReplyErrorWithPrefix") return new RedisCommandError(op, error);
  const connectionError = client && lastConnectionError(client);
  return new RedisUnavailableError(op, error, connectionError && connectionError !== error ? connectionError.message : undefined);
}

/** Runs a Redis call and turns any failure into a typed JobsError naming the operation. */
export async function withRedis<T>(op: string, call: () => Promise<T>, client?: RedisClient): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRedisError(op, error, client);
  }
}
