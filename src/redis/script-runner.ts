import { createHash } from "node:crypto";
import type { KeySpace } from "./keys.js";
import { ScriptCommand } from "./script-command.js";
import type { RedisClient } from "./connection.js";
import { luaScripts, scriptKeys, type ScriptName } from "./lua.generated.js";
import { toRedisError } from "./redis-error.js";
import { WriteCoalescer } from "./write-coalescer.js";

// ioredis flattens array arguments one level: a bulk call's thousands of arguments are not spread.
type Call = (...args: (string | number | readonly (string | number)[])[]) => Promise<unknown>;

// Calls name few distinct type lists (a pool's types, one type per schedule); the bound only guards
// against an application that settles every subset of many types.
const MAX_CACHED_LAYOUTS = 256;

const SHAS = Object.fromEntries(Object.entries(luaScripts).map(([name, lua]) => [name, createHash("sha1").update(lua).digest("hex")])) as Record<ScriptName, string>;

/** A script's SHA and its arguments before its own (key count, keys, type count, types). */
interface Layout {
  /** As given to ioredis' own commands, which add the client's keyPrefix to the keys themselves. */
  readonly head: (string | number)[];
  /** As sent: the keys with the client's keyPrefix, and their protocol text. */
  readonly sentHead: (string | number)[];
  readonly headText: string;
}

/**
 * Calls the Lua scripts with the keys their @keys line names (includes/keys.lua): the global ones,
 * then the per-type ones for each job type. The first call of a script is an EVAL with its text,
 * which loads it; later ones are EVALSHA, and EVAL again when Redis lost the script (NOSCRIPT: a
 * restarted server, SCRIPT FLUSH).
 */
export class ScriptRunner {
  private readonly layouts = new Map<string, Layout>();
  /** Scripts this runner has seen Redis accept: it sends those by SHA. */
  private readonly loaded = new Set<ScriptName>();
  /** The EVAL that is loading a script: calls made meanwhile wait for it, then go by SHA. */
  private readonly loading = new Map<ScriptName, Promise<unknown>>();
  private readonly eval: Call;
  private readonly coalescer: WriteCoalescer | undefined;

  /** `coalesceWrites`: a producer's runner, whose calls of one tick go out together (WriteCoalescer). */
  constructor(private readonly redis: RedisClient, private readonly keys: KeySpace, options: { coalesceWrites?: boolean } = {}) {
    this.eval = redis.eval.bind(redis) as Call;
    if (options.coalesceWrites) this.coalescer = new WriteCoalescer(redis);
  }

  /** Runs `name` for the given job types; `args` are the script's own ARGV, after the layout's. */
  run(name: ScriptName, op: string, types: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const { head, sentHead, headText } = this.layoutOf(name, types);
    if (!this.loaded.has(name)) {
      // A burst of calls as a process starts would otherwise send the script's text once per call.
      const loading = this.loading.get(name);
      if (loading) {
        const again = () => this.run(name, op, types, args);
        return loading.then(again, again);
      }
      const first = this.evalText(name, head, args).catch((error: unknown) => this.fail(op, error));
      this.loading.set(name, first);
      const done = () => void this.loading.delete(name);
      first.then(done, done);
      return first;
    }
    const command = new ScriptCommand(sentHead.concat(args), headText, sentHead.length);
    this.coalescer?.hold();
    return (this.redis.sendCommand(command) as Promise<unknown>).catch((error: unknown) => {
      if (!isNoScript(error)) this.fail(op, error);
      this.loaded.delete(name);
      return this.evalText(name, head, args).catch((reloadError: unknown) => this.fail(op, reloadError));
    });
  }

  private fail(op: string, error: unknown): never {
    throw toRedisError(op, error, this.redis);
  }

  /** EVAL with the script's text, which also loads it: the first call, and any after Redis lost it. */
  private async evalText(name: ScriptName, head: readonly (string | number)[], args: readonly (string | number)[]): Promise<unknown> {
    const reply = await this.eval(luaScripts[name], head.slice(1), args);
    this.loaded.add(name);
    return reply;
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
      const typeArgs = [types.length, ...types];
      const head = [SHAS[name], keys.length, ...keys, ...typeArgs];
      const keyPrefix = this.redis.options.keyPrefix ?? "";
      const sentHead = [SHAS[name], keys.length, ...keys.map((key) => keyPrefix + key), ...typeArgs];
      layout = { head, sentHead, headText: ScriptCommand.encodeHead(sentHead) };
      if (this.layouts.size >= MAX_CACHED_LAYOUTS) this.layouts.clear();
      this.layouts.set(cacheKey, layout);
    }
    return layout;
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}
