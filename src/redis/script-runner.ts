import type { KeySpace } from "./keys.js";
import type { RedisClient } from "./connection.js";
import { luaScripts, scriptKeys, type ScriptName } from "./lua.generated.js";
import { toRedisError } from "./redis-error.js";

const VERSION = "0_1_0";

type ScriptCaller = (...args: (string | number)[]) => Promise<unknown>;

// Calls name few distinct type lists (a pool's types, one type per schedule); the bound only guards
// against an application that settles every subset of many types.
const MAX_CACHED_LAYOUTS = 256;

/**
 * Registers every Lua script once per client, under a name that carries the library version, and
 * calls it with the keys its @keys line names (includes/keys.lua): the global ones, then the
 * per-type ones for each job type. ioredis sends EVALSHA and falls back to EVAL when Redis lost the
 * script (NOSCRIPT).
 */
export class ScriptRunner {
  /** Per script and type list: the arguments before the script's own (key count, keys, type count, types). */
  private readonly layouts = new Map<string, (string | number)[]>();

  constructor(private readonly redis: RedisClient, private readonly keys: KeySpace) {
    for (const [name, lua] of Object.entries(luaScripts)) {
      if (!(commandName(name as ScriptName) in redis)) redis.defineCommand(commandName(name as ScriptName), { lua });
    }
  }

  /** Runs `name` for the given job types; `args` are the script's own ARGV, after the layout's. */
  run(name: ScriptName, op: string, types: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const call = (this.redis as unknown as Record<string, ScriptCaller>)[commandName(name)]!;
    // A promise's catch, not an async wrapper: every awaited schedule call goes through here.
    return call.apply(this.redis, this.layoutOf(name, types).concat(args)).catch((error: unknown) => {
      throw toRedisError(op, error, this.redis);
    });
  }

  private layoutOf(name: ScriptName, types: readonly string[]): (string | number)[] {
    const cacheKey = types.length === 1 ? `${name} ${types[0]}` : `${name} ${types.join(" ")}`;
    let layout = this.layouts.get(cacheKey);
    if (!layout) {
      const { global, perType } = scriptKeys[name];
      const keys: string[] = global.map((kind) => this.keys[kind]);
      for (const type of types) {
        const typeKeys = this.keys.forType(type);
        for (const kind of perType) keys.push(typeKeys[kind]);
      }
      layout = [keys.length, ...keys, types.length, ...types];
      if (this.layouts.size >= MAX_CACHED_LAYOUTS) this.layouts.clear();
      this.layouts.set(cacheKey, layout);
    }
    return layout;
  }
}

function commandName(name: ScriptName): string {
  return `typedJobs_${VERSION}_${name}`;
}
