import { createRedisClient, type RedisConnectionOptions } from "../redis/connection.js";
import { KeySpace } from "../redis/keys.js";
import { ScriptRunner } from "../redis/script-runner.js";
import { Queries } from "../store/queries.js";
import type { Operations } from "./operations-api.js";
import { OperationsRuntime } from "./operations.js";
import { readContracts } from "./registry.js";
import { newestContract } from "../contract/contract-check.js";

export interface OperationsOptions {
  /** A URL or options, as for configureJobs; default REDIS_URL, else redis://127.0.0.1:6379. */
  readonly redis?: string | RedisConnectionOptions;
  readonly namespace?: string;
  readonly prefix?: string;
}

/**
 * Operations on a namespace without the application's contract: schemas come from the contract
 * registry the application's runtimes publish to. For tools such as the `jobs` CLI.
 */
export function openOperations(options: OperationsOptions = {}): Operations {
  const keys = new KeySpace(options.prefix ?? "tj:", options.namespace ?? "default");
  const redis = createRedisClient(options.redis);
  redis.on("error", () => undefined);
  const ctx = {
    redis,
    keys,
    runner: new ScriptRunner(redis, keys),
    queries: new Queries(redis, keys),
    knownTypes: [],
    schemaOf: async (type: string) => newestContract(await readContracts(ctx), type)?.schema,
  };
  return new OperationsRuntime(ctx, async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
}
