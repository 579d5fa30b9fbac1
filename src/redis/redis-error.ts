import { JobsError, RedisCommandError, RedisUnavailableError } from "../errors.js";
import { Cluster } from "ioredis";
import { connectRefusal, lastConnectionError, redisTarget, type RedisClient } from "./connection.js";

/**
 * Redis replied with an error (ReplyError) or the connection failed: one place decides which. Given
 * the client, an unavailable error also names why the client could not connect.
 */
export function toRedisError(op: string, error: unknown, client?: RedisClient): JobsError {
  if (error instanceof JobsError) return error;
  redactCredentials(error);
  const name = error instanceof Error ? error.name : "";
  if (name === "ReplyError" || name === "ReplyErrorWithPrefix") return new RedisCommandError(op, error);
  const refusal = client && connectRefusal(client);
  if (refusal) return refusal;
  const connectionError = client && lastConnectionError(client);
  const timedOut = error instanceof Error && error.message === "Command timed out" && client ? timeoutCause(client, error) : error;
  return new RedisUnavailableError(op, timedOut, connectionError && connectionError !== error ? connectionError.message : undefined, client && redisTarget(client));
}

/** ioredis says only "Command timed out": the error says how long it waited, and which option sets that. */
function timeoutCause(client: RedisClient, error: Error): Error {
  const ms = (client instanceof Cluster ? client.options.redisOptions?.commandTimeout : client.options.commandTimeout) ?? 0;
  return new Error(`no reply within ${ms} ms (commandTimeout in the redis options)`, { cause: error });
}

/** Runs a Redis call and turns any failure into a typed JobsError naming the operation. */
export async function withRedis<T>(op: string, call: () => Promise<T>, client?: RedisClient): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRedisError(op, error, client);
  }
}

const CREDENTIAL_COMMANDS = new Set(["auth", "hello"]);

/**
 * ioredis puts the failed command on its errors (`command: { name, args }`): for AUTH and HELLO the
 * args are the user name and password, and they would reach every log that prints the error's cause.
 */
function redactCredentials(error: unknown): void {
  const command = (error as { command?: { name?: unknown; args?: unknown } } | null)?.command;
  if (command && typeof command.name === "string" && CREDENTIAL_COMMANDS.has(command.name.toLowerCase()) && Array.isArray(command.args)) {
    command.args = command.args.map(() => "[redacted]");
  }
}
