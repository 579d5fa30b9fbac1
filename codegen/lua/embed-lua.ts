/**
 * Build step: assembles src/redis/lua/*.lua and the `-- @include name` fragments they name from
 * src/redis/lua/includes/ into one Redis function library (library.ts), embedded in
 * src/redis/lua.generated.ts, so the published ESM build needs no .lua files beside it.
 *
 * `tsx codegen/lua/embed-lua.ts --check` exits 1 when the generated file is stale.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GLOBAL_KEY_KINDS, TYPE_KEY_KINDS, type GlobalKeyKind, type TypeKeyKind } from "../../src/redis/keys.js";
import { SCORE_LAYOUT } from "../../src/redis/ready-score.js";
import { includeUses, renderLuaLibrary, usedIncludes } from "./library.js";

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
    if (name === "keys") return "";
    const path = join(luaDir, "includes", `${name}.lua`);
    if (!existsSync(path)) throw new Error(`Lua include not found: ${path}`);
    return readFileSync(path, "utf8");
  };
  const includeNames = new Set<string>();
  const scripts = readdirSync(luaDir)
    .filter((file) => file.endsWith(".lua"))
    .sort()
    .map((file) => {
      const name = basename(file, ".lua");
      const source = readFileSync(join(luaDir, file), "utf8");
      if (!source.startsWith("#!lua\n")) throw new Error(`${name}.lua: the first line must be #!lua`);
      const layout = parseKeyLayout(name, source);
      // Checked as the script would run alone: its own includes, expanded, name only keys it declares.
      checkKeyUse(name, expandIncludes(source.replace(KEYS_LINE, ""), readInclude, [name]), layout);
      const included = includedNames(source, readInclude);
      for (const include of included) includeNames.add(include);
      const body = source.slice("#!lua\n".length).replace(KEYS_LINE, "").split("\n").filter((line) => !INCLUDE.test(line)).join("\n");
      return { name, body, layout, included };
    });
  includeNames.delete("keys");
  const includes = [...includeNames].map((name) => ({ name, text: readInclude(name).split("\n").filter((line) => !INCLUDE.test(line)).join("\n") }));
  checkIncludesNamed(includes, scripts);
  const library = renderLuaLibrary(includes, scripts);
  return [
    "// Generated by codegen/lua/embed-lua.ts from src/redis/lua/*.lua — DO NOT EDIT.",
    "",
    "/** The function library every script is registered in; its name changes with its text. */",
    `export const LUA_LIBRARY_NAME = ${JSON.stringify(library.libraryName)};`,
    "",
    "/** The library's text, for FUNCTION LOAD. */",
    `export const luaLibrary = ${JSON.stringify(library.text)};`,
    "",
    "/** Each script's function in the library, by script name. */",
    "export const luaFunctions = {",
    ...scripts.map(({ name }) => `  ${name}: ${JSON.stringify(library.functions[name])},`),
    "} as const;",
    "",
    "export type ScriptName = keyof typeof luaFunctions;",
    "",
    "/** The keys each script is given (its @keys line): the global ones, then these for each job type. */",
    "export const scriptKeys = {",
    ...scripts.map(({ name, layout }) => `  ${name}: { global: ${JSON.stringify(layout.global)}, perType: ${JSON.stringify(layout.perType)} },`),
    "} as const;",
    "",
  ].join("\n");
}

/**
 * In the library every helper is there for every script, but a script's key check (checkKeyUse)
 * reads only the includes it names: so a script must name each include whose helpers it uses,
 * directly or through the helpers it calls.
 */
function checkIncludesNamed(includes: readonly { name: string; text: string }[], scripts: readonly { name: string; body: string; included: readonly string[] }[]): void {
  const { definedBy, uses } = includeUses(includes);
  for (const script of scripts) {
    const needed = [...usedIncludes(script.body, definedBy)];
    for (let k = 0; k < needed.length; k++) for (const used of uses.get(needed[k]!)!) if (!needed.includes(used)) needed.push(used);
    const missing = needed.find((include) => !script.included.includes(include));
    if (missing) throw new Error(`${script.name}.lua uses helpers of include ${missing} but does not name it: add "-- @include ${missing}"`);
  }
}

/** Every include a script names, directly or through another include, in the order first named. */
function includedNames(source: string, readInclude: (name: string) => string, found: string[] = []): string[] {
  for (const line of source.split("\n")) {
    const match = INCLUDE.exec(line);
    if (!match || found.includes(match[1]!)) continue;
    includedNames(readInclude(match[1]!), readInclude, found);
    found.push(match[1]!);
  }
  return found;
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
