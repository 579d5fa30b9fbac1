import { Cluster, type Redis } from "ioredis";
import type { ScriptLibrary } from "../interfaces.js";
import type { RedisClient } from "./connection.js";
import { LUA_LIBRARY_NAME, luaLibrary } from "./lua.generated.js";

/** Every version's library is named so: `typed_jobs_<hash of its text>` (a glob: only such names match). */
const LIBRARY_PATTERN = "typed_jobs_*";

/**
 * The servers a library lives on: every primary of a Cluster (functions are not shared between
 * shards), else the one server. A Cluster client that does not know its nodes yet goes through the
 * client itself, to whichever node ioredis picks.
 */
function primaries(redis: RedisClient): (Redis | Cluster)[] {
  const nodes = redis instanceof Cluster ? redis.nodes("master") : [];
  return nodes.length > 0 ? nodes : [redis];
}

/** FUNCTION LOAD of this version's library on every primary; one already there is the same text. */
export async function loadLibrary(redis: RedisClient): Promise<void> {
  await Promise.all(
    primaries(redis).map((target) =>
      (target.call("FUNCTION", "LOAD", luaLibrary) as Promise<unknown>).catch((error: unknown) => {
        // Another process loaded this very text first: the name is the text's hash.
        if (error instanceof Error && error.message.includes(`'${LUA_LIBRARY_NAME}' already exists`)) return;
        // ioredis keeps the command on its errors: the library's text would fill every log of it.
        const command = (error as { command?: { args?: unknown[] } }).command;
        if (command) command.args = ["LOAD", `<${LUA_LIBRARY_NAME}>`];
        throw error;
      }),
    ),
  );
}

/** The typed-jobs libraries on the server (every version's), the current one first. */
export async function listLibraries(redis: RedisClient): Promise<ScriptLibrary[]> {
  const targets = primaries(redis);
  const held = new Map<string, number>();
  for (const target of targets) {
    const reply = (await target.call("FUNCTION", "LIST", "LIBRARYNAME", LIBRARY_PATTERN)) as unknown[][];
    // Each library is a flat [field, value, ...] list.
    for (const library of reply) {
      const name = String(library[library.indexOf("library_name") + 1]);
      held.set(name, (held.get(name) ?? 0) + 1);
    }
  }
  return [...held]
    .map(([name, loadedOn]) => ({ name, current: name === LUA_LIBRARY_NAME, loadedOn, primaries: targets.length }))
    .sort((a, b) => Number(b.current) - Number(a.current) || a.name.localeCompare(b.name));
}

/**
 * Deletes every typed-jobs library but this version's, on every primary, and names them. A process
 * of an older version still running loads its own again at its next call.
 */
export async function pruneLibraries(redis: RedisClient): Promise<string[]> {
  const old = (await listLibraries(redis)).filter((library) => !library.current).map((library) => library.name);
  for (const target of primaries(redis)) {
    for (const name of old) {
      await (target.call("FUNCTION", "DELETE", name) as Promise<unknown>).catch((error: unknown) => {
        // Not on this primary (a shard that joined after it was loaded): nothing to delete there.
        if (!(error instanceof Error && error.message.includes("Library not found"))) throw error;
      });
    }
  }
  return old;
}
