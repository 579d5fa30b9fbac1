/**
 * Build step: inlines src/redis/lua/*.lua, with their `-- @include name` fragments from
 * src/redis/lua/includes/, into src/redis/lua.generated.ts, so the published ESM build needs no
 * .lua files beside it and every script is loaded from one place.
 *
 * `tsx codegen/lua/embed-lua.ts --check` exits 1 when the generated file is stale.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GLOBAL_KEY_KINDS, TYPE_KEY_KINDS, type GlobalKeyKind, type TypeKeyKind } from "../../src/redis/keys.js";
import { SCORE_LAYOUT } from "../../src/redis/ready-score.js";

const INCLUDE = /^--\s*@include\s+([A-Za-z0-9_-]+)\s*$/;
const KEYS_LINE = /^--\s*@keys\s+(.*)$/m;

export interface KeyLayout {
  readonly global: readonly GlobalKeyKind[];
  readonly perType: readonly TypeKeyKind[];
}

/**
 * Reads a script's `-- @keys` line: the keys it is given, global ones first (in the order of
 * GLOBAL_KEY_KINDS, then TYPE_KEY_KINDS, whatever order the line names them in). A script is
 * passed only these: every key costs the caller and Redis time on each call. A key the script's own
 * text names but does not declare is an error here; one used inside an include, once the includes
 * are expanded (renderLuaModule).
 */
export function parseKeyLayout(name: string, source: string): KeyLayout {
  const match = KEYS_LINE.exec(source);
  if (!match) throw new Error(`${name}.lua: no "-- @keys" line naming the keys it uses`);
  const named = match[1]!.trim().split(/\s+/);
  for (const kind of named) {
    if (!(GLOBAL_KEY_KINDS as readonly string[]).includes(kind) && !(TYPE_KEY_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`${name}.lua: @keys names an unknown key kind '${kind}'`);
    }
  }
  const layout = {
    global: GLOBAL_KEY_KINDS.filter((kind) => named.includes(kind)),
    perType: TYPE_KEY_KINDS.filter((kind) => named.includes(kind)),
  };
  checkKeyUse(name, source.replace(KEYS_LINE, ""), layout);
  return layout;
}

/** The @keys line as Lua: locals for the global keys, and typeKeys(i) for job type i's (built once per type and call). */
function keyLayoutLua(layout: KeyLayout): string {
  const globals = layout.global.map((kind, k) => [kind.toUpperCase(), `KEYS[${k + 1}]`]);
  const perType = layout.perType.map((kind, k) => `${kind} = KEYS[base + ${k + 1}]`);
  return [
    "-- begin include @keys",
    "-- The @keys line, expanded by the build step: KEYS holds these, then each job type's.",
    ...(globals.length > 0 ? [`local ${globals.map(([name]) => name).join(", ")} = ${globals.map(([, key]) => key).join(", ")}`] : []),
    "local TYPE_COUNT = tonumber(ARGV[1])",
    "local ARG0 = TYPE_COUNT + 2",
    "",
    "-- Job type i's name and keys, made once per type and call: the per-job loops ask for them per job.",
    "local typeKeysCache = {}",
    "local function typeKeys(i)",
    "  local tk = typeKeysCache[i]",
    "  if tk then return tk end",
    `  local base = ${layout.global.length} + (i - 1) * ${layout.perType.length}`,
    `  tk = { ${["name = ARGV[1 + i]", ...perType].join(", ")} }`,
    "  typeKeysCache[i] = tk",
    "  return tk",
    "end",
    "-- end include @keys",
  ].join("\n");
}

/**
 * A key the script (with its includes) names but its @keys line does not: an error at build time,
 * since the script would otherwise find nil where the key should be.
 */
export function checkKeyUse(name: string, text: string, layout: KeyLayout): void {
  for (const kind of GLOBAL_KEY_KINDS) {
    if (new RegExp(`\\b${kind.toUpperCase()}\\b`).test(text) && !layout.global.includes(kind)) throw new Error(`${name}.lua uses ${kind.toUpperCase()} but its @keys line does not name ${kind}`);
  }
  for (const kind of TYPE_KEY_KINDS) {
    if (new RegExp(`\\.${kind}\\b`).test(text) && !layout.perType.includes(kind)) throw new Error(`${name}.lua uses .${kind} but its @keys line does not name it`);
  }
}

/** Expands `-- @include name` lines; an include cycle or a missing include is an error. */
export function expandIncludes(source: string, readInclude: (name: string) => string, chain: string[] = []): string {
  return source
    .split("\n")
    .map((line) => {
      const match = INCLUDE.exec(line);
      if (!match) return line;
      const name = match[1]!;
      if (chain.includes(name)) throw new Error(`Lua include cycle: ${[...chain, name].join(" -> ")}`);
      return `-- begin include ${name}\n${expandIncludes(readInclude(name), readInclude, [...chain, name]).trimEnd()}\n-- end include ${name}`;
    })
    .join("\n");
}

/**
 * `-- @include score`: the ready-score constants of src/redis/ready-score.ts as Lua locals, so Lua and
 * TypeScript read them from one place.
 */
export function scoreInclude(): string {
  return [
    "-- From src/redis/ready-score.ts (SCORE_LAYOUT), by the build step.",
    ...Object.entries(SCORE_LAYOUT).map(([name, value]) => {
      if (!Number.isSafeInteger(value)) throw new Error(`SCORE_LAYOUT.${name} is not an exact integer: ${value}`);
      return `local ${name} = ${value}`;
    }),
  ].join("\n");
}

export function renderLuaModule(luaDir: string): string {
  const readInclude = (name: string) => {
    if (name === "score") return scoreInclude();
    const path = join(luaDir, "includes", `${name}.lua`);
    if (!existsSync(path)) throw new Error(`Lua include not found: ${path}`);
    return readFileSync(path, "utf8");
  };
  const scripts = readdirSync(luaDir)
    .filter((file) => file.endsWith(".lua"))
    .sort()
    .map((file) => {
      const name = basename(file, ".lua");
      const source = readFileSync(join(luaDir, file), "utf8");
      const layout = parseKeyLayout(name, source);
      const lua = expandIncludes(source.replace(KEYS_LINE, keyLayoutLua(layout)), readInclude, [name]);
      // The includes' code counts too: no check is left for when the script runs.
      checkKeyUse(name, lua, layout);
      return { name, lua, layout };
    });
  return [
    "// Generated by codegen/lua/embed-lua.ts from src/redis/lua/*.lua — DO NOT EDIT.",
    "",
    "/** Every Lua script, includes expanded, by name. */",
    "export const luaScripts = {",
    ...scripts.map(({ name, lua }) => `  ${name}: ${JSON.stringify(lua)},`),
    "} as const;",
    "",
    "export type ScriptName = keyof typeof luaScripts;",
    "",
    "/** The keys each script is given (its @keys line): the global ones, then these for each job type. */",
    "export const scriptKeys = {",
    ...scripts.map(({ name, layout }) => `  ${name}: { global: ${JSON.stringify(layout.global)}, perType: ${JSON.stringify(layout.perType)} },`),
    "} as const;",
    "",
  ].join("\n");
}

function main(): void {
  const root = resolve(fileURLToPath(import.meta.url), "../../..");
  const luaDir = join(root, "src/redis/lua");
  const outFile = join(root, "src/redis/lua.generated.ts");
  const rendered = renderLuaModule(luaDir);
  const current = existsSync(outFile) ? readFileSync(outFile, "utf8") : "";
  if (process.argv.includes("--check")) {
    if (current !== rendered) {
      console.error(`${outFile} is stale: run npm run build:lua`);
      process.exit(1);
    }
    return;
  }
  if (current !== rendered) writeFileSync(outFile, rendered);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
