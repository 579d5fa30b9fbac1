import type { KeySpace } from "./keys.js";
import { ScriptCommand } from "./script-command.js";
import type { RedisClient } from "./connection.js";
import { loadLibrary } from "./function-library.js";
import { luaFunctions, scriptKeys, type ScriptName } from "./lua.generated.js";
import { toRedisError } from "./redis-error.js";
import { WriteCoalescer } from "./write-coalescer.js";

// Calls name few distinct type lists (a pool's types, one type per schedule); the bound only guards
// against an application that settles every subset of many types.
const MAX_CACHED_LAYOUTS = 256;

/** A script's function name and its arguments before its own (key count, keys, type count, types). */
interface Layout {
  /** As sent: the keys with the client's keyPrefix, and their protocol text. */
  readonly sentHead: (string | number)[];
  readonly headText: string;
}

/**
 * Calls the Lua scripts, each a function of one library (src/redis/lua.generated.ts), with the keys
 * their @keys line names (includes/keys.lua): the global ones, then the per-type ones for each job
 * type. A call that finds the library missing (a new server, FUNCTION FLUSH, a Cluster shard that
 * joined later) loads it (FUNCTION LOAD; one already there is the same text, since its name is its
 * text's hash) and is sent again, so a server that has it, loaded by another process or ahead of a
 * deploy, is never sent its text.
 */
export class ScriptRunner {
  private readonly layouts = new Map<string, Layout>();
  /** Loads of the library this runner started, and the latest (unset once it failed). */
  private loads = 0;
  private loading: Promise<void> | undefined;
  private readonly coalescer: WriteCoalescer | undefined;

  /** `coalesceWrites`: a producer's runner, whose calls of one tick go out together (WriteCoalescer). */
  constructor(private readonly redis: RedisClient, private readonly keys: KeySpace, options: { coalesceWrites?: boolean } = {}) {
    if (options.coalesceWrites) this.coalescer = new WriteCoalescer(redis);
  }

  /** Runs `name` for the given job types; `args` are the script's own ARGV, after the layout's. */
  run(name: ScriptName, op: string, types: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.call(name, op, types, args, true);
  }

  /** Writes now what this tick's calls have held (WriteCoalescer), instead of at the tick's end. */
  flushWrites(): void {
    this.coalescer?.flush();
  }

  /** `mayReload`: a call that finds the library missing loads it and tries once more; only once, so a server that keeps losing it fails the call. */
  private call(name: ScriptName, op: string, types: readonly string[], args: readonly (string | number)[], mayReload: boolean): Promise<unknown> {
    const { sentHead, headText } = this.layoutOf(name, types);
    const command = new ScriptCommand(sentHead.concat(args), headText, sentHead.length);
    const loadsBefore = this.loads;
    this.coalescer?.hold();
    return (this.redis.sendCommand(command) as Promise<unknown>).catch((error: unknown) => {
      if (!mayReload || !isFunctionNotFound(error)) this.fail(op, error);
      return this.load(loadsBefore).then(
        () => this.call(name, op, types, args, false),
        (loadError: unknown) => this.fail(op, loadError),
      );
    });
  }

  /**
   * Loads the library for a call that found it missing, unless a load started after that call was
   * sent: it waits for that one (a burst of calls on a new server loads it once). Each waiting call
   * reports a failed load under its own operation.
   */
  private load(loadsBefore: number): Promise<void> {
    if (this.loads === loadsBefore || !this.loading) {
      this.loads++;
      const loading = loadLibrary(this.redis);
      this.loading = loading;
      // A failed load is not waited on by calls that fail later: they try again.
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    }
    return this.loading!;
  }

  private fail(op: string, error: unknown): never {
    throw toRedisError(op, error, this.redis);
  }

  private layoutOf(name: ScriptName, types: readonly string[]): Layout {
    const cacheKey = types.length === 1 ? `${name} ${types[0]}` : `${name} ${types.join(" ")}`;
    let layout = this.layouts.get(cacheKey);
    if (!layout) {
      const { global, perType } = scriptKeys[name];
      const keys: string[] = global.map((kind) => this.keys[kind]);
      for (const type of types) {
        const typeKeys = this.keys.forType(type);
        for (const kind of perType) keys.push(typeKeys[kind]);
      }
      // Sent as is: ioredis adds the client's keyPrefix to its own commands' keys, not to these.
      const keyPrefix = this.redis.options.keyPrefix ?? "";
      const sentHead = [luaFunctions[name], keys.length, ...keys.map((key) => keyPrefix + key), types.length, ...types];
      layout = { sentHead, headText: ScriptCommand.encodeHead(sentHead) };
      if (this.layouts.size >= MAX_CACHED_LAYOUTS) this.layouts.clear();
      this.layouts.set(cacheKey, layout);
    }
    return layout;
  }
}

function isFunctionNotFound(error: unknown): boolean {
  return error instanceof Error && error.message === "ERR Function not found";
}
