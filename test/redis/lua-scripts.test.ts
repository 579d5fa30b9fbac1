import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandIncludes, parseKeyLayout, renderLuaModule } from "../../codegen/lua/embed-lua.js";
import { SCORE_LAYOUT, readyScore } from "../../src/redis/ready-score.js";
import { luaScripts } from "../../src/redis/lua.generated.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";

// The embedded scripts: every one compiles on a real Redis, the generated module is what the build
// step would write now, and the @include step expands nested fragments and refuses cycles and
// missing fragments (BullMQ script_loader.test.ts, in small).

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

describe("the Lua scripts", () => {
  it("every .lua file is embedded, under its own name", () => {
    const files = readdirSync(luaDir).filter((f) => f.endsWith(".lua")).map((f) => f.slice(0, -4)).sort();
    expect(Object.keys(luaScripts).sort()).toEqual(files);
    expect(files).toEqual(["bulkCancel", "bulkDestroy", "bulkRetry", "cancel", "claim", "destroy", "dueStats", "extendLease", "listQueued", "pause", "promote", "promoteJob", "pruneRecurring", "publishContracts", "release", "requeueExpired", "reschedule", "resume", "retry", "schedule", "scheduleOne", "settle", "trimRetained"]);
  });

  it.each(Object.entries(luaScripts))("%s compiles under SCRIPT LOAD, starts with #!lua and has no include left", async (_name, lua) => {
    expect(lua.startsWith("#!lua\n")).toBe(true);
    expect(lua).not.toMatch(/^--\s*@include/m);
    const sha = (await redis().script("LOAD", lua)) as string;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis().script("EXISTS", sha)).toEqual([1]);
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
      write("x.lua", "-- @keys jobs\n-- @include missing\n");
      expect(() => renderLuaModule(dir)).toThrow(`Lua include not found: ${join(dir, "includes", "missing.lua")}`);
      write("x.lua", "-- @keys jobs\n-- @include one\n");
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
      write("x.lua", "-- @keys jobs ready\n-- @include uses\nreturn { readyKey(typeKeys(1)), JOBS }\n");
      expect(() => renderLuaModule(dir)).toThrow("x.lua uses .finished but its @keys line does not name it");
      write("x.lua", "-- @keys jobs ready finished\n-- @include uses\nreturn { readyKey(typeKeys(1)), JOBS }\n");
      const module = renderLuaModule(dir);
      const lua = JSON.parse(/x: (".*"),\n/.exec(module)![1]!) as string;
      expect(await redis().eval(lua, 3, "jobs", "ready:T", "finished:T", 1, "T")).toEqual(["ready:T", "jobs"]);
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
      write("x.lua", `-- @keys jobs ready queue\n-- @include batch\n-- @include queues\nlocal out = { ${names.map((n) => `string.format("%.0f", ${n})`).join(", ")} }\nfor i = ARG0, #ARGV, 2 do out[#out + 1] = string.format("%.0f", readyScore({ at = tonumber(ARGV[i]), pr = tonumber(ARGV[i + 1]) })) end\nreturn out\n`);
      const lua = JSON.parse(/x: (".*"),\n/.exec(renderLuaModule(dir))![1]!) as string;
      const cases = [[Date.UTC(2026, 4, 1, 12, 0, 0, 7), 0], [Date.UTC(2026, 4, 1), 1023], [Date.UTC(2026, 4, 1), -1024], [0, 5], [8.64e15, -3]];
      const reply = (await redis().eval(lua, 1, "jobs", 0, ...cases.flat())) as string[];
      expect(reply.slice(0, names.length).map(Number)).toEqual(Object.values(SCORE_LAYOUT));
      expect(reply.slice(names.length).map(Number)).toEqual(cases.map(([at, pr]) => readyScore(at!, pr!)));
    });
  });
});

describe("the embedded scripts' helpers", () => {
  it("every embedded script defines each helper it calls (a missing include would fail only when its branch runs)", () => {
    for (const [name, lua] of Object.entries(luaScripts)) {
      const defined = new Set([...lua.matchAll(/^\s*local function (\w+)/gm)].map((m) => m[1]));
      const called = new Set([...lua.matchAll(/(?<![\w.:])([a-z]\w*)\(/g)].map((m) => m[1]!));
      const luaBuiltins = ["tonumber", "tostring", "type", "pcall", "error", "ipairs", "pairs", "unpack", "setmetatable", "select", "next", "function", "assert", "rawget"];
      for (const fn of called) if (!luaBuiltins.includes(fn)) expect(defined.has(fn), `${name}.lua calls ${fn}`).toBe(true);
    }
  });
});
