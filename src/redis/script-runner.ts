import type { KeySpace } from "./keys.js";
import type { RedisClient } from "./connection.js";
import { luaScripts, type ScriptName } from "./lua.generated.js";
import { withRedis } from "./redis-error.js";

const VERSION = "0_1_0";

type ScriptCaller = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Registers every Lua script once per client, under a name that carries the library version, and
 * calls it with the shared key layout (includes/keys.lua): the global keys, then 9 keys per job type.
 * ioredis sends EVALSHA and falls back to EVAL when Redis lost the script (NOSCRIPT).
 */
export class ScriptRunner {
  constructor(private readonly redis: RedisClient, private readonly keys: KeySpace) {
    for (const [name, lua] of Object.entries(luaScripts)) {
      if (!(commandName(name as ScriptName) in redis)) redis.defineCommand(commandName(name as ScriptName), { lua });
    }
  }

  /** Runs `name` for the given job types; `args` are the script's own ARGV, after the layout's. */
  run(name: ScriptName, op: string, types: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const keys = [this.keys.jobs, this.keys.types, this.keys.pools];
    for (const type of types) {
      const k = this.keys.forType(type);
      keys.push(k.ready, k.scheduled, k.executing, k.finished, k.failed, k.cancelled, k.rejected, k.wake, k.queue);
    }
    const call = (this.redis as unknown as Record<string, ScriptCaller>)[commandName(name)]!;
    return withRedis(op, () => call.call(this.redis, keys.length, ...keys, types.length, ...types, ...args), this.redis);
  }
}

function commandName(name: ScriptName): string {
  return `typedJobs_${VERSION}_${name}`;
}
