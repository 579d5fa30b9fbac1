import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandIncludes, parseKeyLayout, renderLuaModule } from "../../codegen/lua/embed-lua.js";
import { SCORE_LAYOUT, readyScore } from "../../src/redis/ready-score.js";
import { LUA_LIBRARY_NAME, luaFunctions, luaLibrary } from "../../src/redis/lua.generated.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";

// The embedded library: it loads on a real Redis with every script as a function, the generated
// module is what the build step would write now, and the @include step expands nested fragments and
// refuses cycles and missing fragments (BullMQ script_loader.test.ts, in small).

const { server } = useRedis();
const redis = useRedisClient(server);

const luaDir = fileURLToPath(new URL("../../src/redis/lua/", import.meta.url));
const generatedFile = fileURLToPath(new URL("../../src/redis/lua.generated.ts", import.meta.url));

/** A throwaway folder of .lua files and includes for renderLuaModule, removed afterwards. */
async function withLuaDir(use: (dir: string, write: (path: string, text: string) => void) => Promise<void> | void): Promise<void> {
  const { mkdtempSync, writeFileSync, mkdirSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "typed-jobs-lua-"));
  try {
    mkdirSync(join(dir, "includes"));
    await use(dir, (path, text) => writeFileSync(join(dir, path), text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The library a rendered module holds: its name and text. */
function renderedLibrary(module: string): { name: string; text: string } {
  return { name: JSON.parse(/LUA_LIBRARY_NAME = (".*");/.exec(module)![1]!) as string, text: JSON.parse(/luaLibrary = (".*");/.exec(module)![1]!) as string };
}

/** Loads a rendered module's library on the test server and calls its script `x`. */
async function callRendered(module: string, numKeys: number, ...args: (string | number)[]): Promise<unknown> {
  const { name, text } = renderedLibrary(module);
  await redis().function("LOAD", "REPLACE", text);
  return redis().fcall(`${name}_x`, numKeys, ...args);
}

describe("the Lua scripts", () => {
  it("every .lua file is a function of the library, under its own name", () => {
    const files = readdirSync(luaDir).filter((f) => f.endsWith(".lua")).map((f) => f.slice(0, -4)).sort();
    expect(Object.keys(luaFunctions).sort()).toEqual(files);
    expect(files).toEqual(["bulkCancel", "bulkDestroy", "bulkRetry", "cancel", "claim", "destroy", "dueStats", "extendLease", "listQueued", "pause", "promote", "promoteJob", "pruneRecurring", "publishContracts", "release", "requeueExpired", "reschedule", "resume", "retry", "rewritePayloads", "schedule", "scheduleOne", "settle", "sweepDeferred", "trimRetained"]);
    for (const [name, fn] of Object.entries(luaFunctions)) expect(fn).toBe(`${LUA_LIBRARY_NAME}_${name}`);
  });

  it("the library loads under FUNCTION LOAD, named for its text, with every script registered and no include left", async () => {
    expect(luaLibrary.startsWith(`#!lua name=${LUA_LIBRARY_NAME}\n`)).toBe(true);
    expect(luaLibrary).not.toMatch(/^--\s*@(include|keys)/m);
    await redis().function("FLUSH");
    expect(await redis().function("LOAD", luaLibrary)).toBe(LUA_LIBRARY_NAME);
    const [library] = (await redis().function("LIST", "LIBRARYNAME", LUA_LIBRARY_NAME)) as [unknown[]];
    const functions = library![library!.indexOf("functions") + 1] as unknown[][];
    // No flags: like a script declaring #!lua, a function that may write is refused whole under maxmemory.
    expect(functions.map((fn) => [fn[1], fn[5]]).sort()).toEqual(Object.values(luaFunctions).sort().map((fn) => [fn, []]));
    // The same text again is refused as a library already there, which a runner takes as loaded.
    await expect(redis().function("LOAD", luaLibrary)).rejects.toThrow(`Library '${LUA_LIBRARY_NAME}' already exists`);
  });

  it("the library's name changes with its text", async () => {
    await withLuaDir((dir, write) => {
      write("x.lua", "#!lua\n-- @keys jobs\nreturn 1\n");
      const first = renderedLibrary(renderLuaModule(dir)).name;
      write("x.lua", "#!lua\n-- @keys jobs\nreturn 2\n");
      expect(renderedLibrary(renderLuaModule(dir)).name).not.toBe(first);
    });
  });

  it("src/redis/lua.generated.ts is fresh: rendering the .lua files gives it byte for byte", () => {
    expect(renderLuaModule(luaDir)).toBe(readFileSync(generatedFile, "utf8"));
  });
});

describe("expandIncludes", () => {
  const fragments = (files: Record<string, string>) => (name: string) => {
    const text = files[name];
    if (text === undefined) throw new Error(`Lua include not found: ${name}`);
    return text;
  };

  it("inlines a fragment between begin/end markers and leaves other lines as they are", () => {
    const read = fragments({ a: "local A = 1\n" });
    expect(expandIncludes("#!lua\n-- @include a\nreturn A", read)).toBe("#!lua\n-- begin include a\nlocal A = 1\n-- end include a\nreturn A");
    expect(expandIncludes("-- not an include: @include a\n--@include a", read)).toBe("-- not an include: @include a\n-- begin include a\nlocal A = 1\n-- end include a");
  });

  it("expands includes inside includes, in place", () => {
    const read = fragments({ outer: "-- @include inner\nlocal OUTER = INNER + 1", inner: "local INNER = 1" });
    expect(expandIncludes("-- @include outer", read)).toBe(
      "-- begin include outer\n-- begin include inner\nlocal INNER = 1\n-- end include inner\nlocal OUTER = INNER + 1\n-- end include outer",
    );
  });

  it("allows the same fragment twice side by side (only a cycle is an error)", () => {
    const read = fragments({ a: "x", b: "-- @include a", c: "-- @include a" });
    expect(() => expandIncludes("-- @include b\n-- @include c", read)).not.toThrow();
  });

  it("refuses a cycle, naming the chain", () => {
    const read = fragments({ a: "-- @include b", b: "-- @include c", c: "-- @include a" });
    expect(() => expandIncludes("-- @include a", read, ["main"])).toThrow("Lua include cycle: main -> a -> b -> c -> a");
    expect(() => expandIncludes("-- @include self", fragments({ self: "-- @include self" }))).toThrow("Lua include cycle: self -> self");
  });

  it("refuses a script that includes itself by its own name", () => {
    expect(() => expandIncludes("-- @include claim", fragments({ claim: "x" }), ["claim"])).toThrow("Lua include cycle: claim -> claim");
  });

  it("passes on a missing fragment as an error naming it", () => {
    expect(() => expandIncludes("-- @include nowhere", fragments({}))).toThrow("Lua include not found: nowhere");
  });

  it("renderLuaModule reports a missing include file with its path", async () => {
    await withLuaDir(async (dir, write) => {
      const { join } = await import("node:path");
      write("x.lua", "#!lua\n-- @keys jobs\n-- @include missing\n");
      expect(() => renderLuaModule(dir)).toThrow(`Lua include not found: ${join(dir, "includes", "missing.lua")}`);
      write("x.lua", "#!lua\n-- @keys jobs\n-- @include one\n");
      write("includes/one.lua", "-- @include two\n");
      write("includes/two.lua", "-- @include one\n");
      expect(() => renderLuaModule(dir)).toThrow("Lua include cycle: x -> one -> two -> one");
    });
  });
});

describe("@keys: the keys a script is given", () => {
  it("orders them globals first, each group in the layout's order, whatever order the line names them in", () => {
    expect(parseKeyLayout("x", "-- @keys queue jobs ready pools\nreturn 1")).toEqual({ global: ["jobs", "pools"], perType: ["ready", "queue"] });
  });

  it("refuses a script without the line, an unknown kind, and a key the script's own text uses undeclared", () => {
    expect(() => parseKeyLayout("x", "return 1")).toThrow('x.lua: no "-- @keys" line');
    expect(() => parseKeyLayout("x", "-- @keys jobs ready sideways")).toThrow("unknown key kind 'sideways'");
    expect(() => parseKeyLayout("x", "-- @keys ready\nredis.call('HGET', JOBS, 'a')")).toThrow("x.lua uses JOBS but its @keys line does not name jobs");
    expect(() => parseKeyLayout("x", "-- @keys jobs ready\nredis.call('ZCARD', tk.failed)")).toThrow("x.lua uses .failed but its @keys line does not name it");
  });

  it("a key used undeclared inside an include fails the build, naming it, whether or not the script calls it", async () => {
    await withLuaDir(async (dir, write) => {
      write("includes/uses.lua", "local function finishedKey(tk) return tk.finished end\n\nlocal function readyKey(tk) return tk.ready end\n");
      write("x.lua", "#!lua\n-- @keys jobs ready\n-- @include uses\nreturn { readyKey(typeKeys(1)), JOBS }\n");
      expect(() => renderLuaModule(dir)).toThrow("x.lua uses .finished but its @keys line does not name it");
      write("x.lua", "#!lua\n-- @keys jobs ready finished\n-- @include uses\nreturn { readyKey(typeKeys(1)), JOBS }\n");
      const module = renderLuaModule(dir);
      expect(await callRendered(module, 3, "jobs", "ready:T", "finished:T", 1, "T")).toEqual(["ready:T", "jobs"]);
      expect(module).toContain('x: { global: ["jobs"], perType: ["ready","finished"] },');
    });
  });
});

describe("@include score: the ready-score constants of src/redis/ready-score.ts", () => {
  it("gives a script each constant as a local, and Lua's readyScore agrees with TypeScript's", async () => {
    await withLuaDir(async (dir, write) => {
      write("includes/queues.lua", readFileSync(`${luaDir}/includes/queues.lua`, "utf8"));
      write("includes/batch.lua", readFileSync(`${luaDir}/includes/batch.lua`, "utf8"));
      const names = Object.keys(SCORE_LAYOUT);
      write("x.lua", `#!lua\n-- @keys jobs ready queue\n-- @include batch\n-- @include queues\nlocal out = { ${names.map((n) => `string.format("%.0f", ${n})`).join(", ")} }\nfor i = ARG0, #ARGV, 2 do out[#out + 1] = string.format("%.0f", readyScore({ at = tonumber(ARGV[i]), pr = tonumber(ARGV[i + 1]) })) end\nreturn out\n`);
      const cases = [[Date.UTC(2026, 4, 1, 12, 0, 0, 7), 0], [Date.UTC(2026, 4, 1), 1023], [Date.UTC(2026, 4, 1), -1024], [0, 5], [8.64e15, -3]];
      const reply = (await callRendered(renderLuaModule(dir), 1, "jobs", 0, ...cases.flat())) as string[];
      expect(reply.slice(0, names.length).map(Number)).toEqual(Object.values(SCORE_LAYOUT));
      expect(reply.slice(names.length).map(Number)).toEqual(cases.map(([at, pr]) => readyScore(at!, pr!)));
    });
  });
});

describe("one library for every script", () => {
  it("defines each helper a function calls", () => {
    const defined = new Set([...luaLibrary.matchAll(/^\s*local function (\w+)/gm)].map((m) => m[1]));
    // Bound per call (each function's first lines), not defined once.
    defined.add("typeKeysOf");
    const called = new Set([...luaLibrary.matchAll(/(?<![\w.:])([a-z]\w*)\(/g)].map((m) => m[1]!));
    const luaBuiltins = ["tonumber", "tostring", "type", "pcall", "error", "ipairs", "pairs", "unpack", "setmetatable", "select", "next", "function", "assert", "rawget"];
    for (const fn of called) if (!luaBuiltins.includes(fn)) expect(defined.has(fn), `the library calls ${fn}`).toBe(true);
  });

  it("fails the build when a script uses an include's helper without naming the include, directly or through another helper", async () => {
    await withLuaDir((dir, write) => {
      write("includes/inner.lua", "local function inner() return 1 end\n");
      write("includes/outer.lua", "local function outer() return inner() + 1 end\n");
      write("x.lua", "#!lua\n-- @keys jobs\n-- @include inner\nreturn inner()\n");
      write("y.lua", "#!lua\n-- @keys jobs\n-- @include inner\n-- @include outer\nreturn outer()\n");
      expect(() => renderLuaModule(dir)).not.toThrow();
      write("y.lua", "#!lua\n-- @keys jobs\n-- @include outer\nreturn outer()\n");
      expect(() => renderLuaModule(dir)).toThrow('y.lua uses helpers of include inner but does not name it: add "-- @include inner"');
    });
  });

  it("places each include after the ones it uses, and refuses two includes defining one name", async () => {
    await withLuaDir(async (dir, write) => {
      write("includes/late.lua", "local function late() return early() * 10 end\n");
      write("includes/early.lua", "local function early() return 4 end\n");
      write("x.lua", "#!lua\n-- @keys jobs\n-- @include late\n-- @include early\nreturn late()\n");
      expect(await callRendered(renderLuaModule(dir), 1, "jobs", 0)).toBe(40);
      write("includes/early.lua", "local function early() return 4 end\nlocal function late() return 5 end\n");
      expect(() => renderLuaModule(dir)).toThrow("Lua includes late and early both define 'late'");
    });
  });

  it("binds each call's own keys and arguments: a function never sees the keys of the call before", async () => {
    await withLuaDir(async (dir, write) => {
      write("x.lua", "#!lua\n-- @keys jobs pools ready\nreturn { JOBS, POOLS, typeKeys(1).ready, typeKeys(TYPE_COUNT).name, ARGV[ARG0] }\n");
      // y's type keys are only its own (name and queue), whatever x's call left behind.
      write("y.lua", "#!lua\n-- @keys pools queue\nlocal fields = 0\nfor _ in pairs(typeKeys(1)) do fields = fields + 1 end\nreturn { POOLS, typeKeys(1).queue, fields, ARGV[ARG0] }\n");
      const { name, text } = renderedLibrary(renderLuaModule(dir));
      await redis().function("LOAD", "REPLACE", text);
      expect(await redis().fcall(`${name}_x`, 4, "j", "p", "ready:A", "ready:B", 2, "A", "B", "own")).toEqual(["j", "p", "ready:A", "B", "own"]);
      expect(await redis().fcall(`${name}_y`, 2, "p2", "queue:C", 1, "C", "mine")).toEqual(["p2", "queue:C", 2, "mine"]);
    });
  });
});
