/**
 * Loads a contract module to get its schema values: TypeBox builds schemas at run time, so only
 * executing the file gives the exact JSON Schema the runtime will see. tsx compiles it on the fly.
 */
import { sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { jsonAlternative } from "./json-alternatives.js";

/** What a contract module exported, or why it could not be loaded (with the line when known). */
export type LoadResult = { readonly ok: true; readonly defaultExport: unknown } | { readonly ok: false; readonly line: number | undefined; readonly message: string };

/** Per schema file, the project files its last load imported (packages left out), for watch mode. */
const importsOf = new Map<string, readonly string[]>();

/** The files of the project (not of packages) that the last load of `absPath` imported, itself left out. */
export function importedFiles(absPath: string): readonly string[] {
  return importsOf.get(absPath) ?? [];
}

/** Imports `absPath` afresh (tsImport does not share its module cache), so watch mode sees edits. */
export async function loadContractModule(absPath: string): Promise<LoadResult> {
  const imported = new Set<string>();
  importsOf.set(absPath, []);
  const onImport = (url: string) => {
    if (!url.startsWith("file:")) return;
    const file = fileURLToPath(url.split("?")[0]!);
    if (file !== absPath && !file.split(sep).includes("node_modules")) imported.add(file);
  };
  try {
    const mod = (await tsImport(pathToFileURL(absPath).href, { parentURL: import.meta.url, onImport }).finally(() => importsOf.set(absPath, [...imported].sort()))) as { default?: unknown };
    return { ok: true, defaultExport: mod.default };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
    return { ok: false, line: lineInStack(error, absPath), message: `loading the schema module failed: ${message}${missingTypeHint(message)}` };
  }
}

/** TypeBox 1.x has no Type.Date, Type.Uint8Array...: "Type.Date is not a function" names the JSON-safe alternative. */
function missingTypeHint(message: string): string {
  const name = /\bType\.(\w+) is not a function/.exec(message)?.[1];
  const alternative = name && jsonAlternative(name);
  return alternative ? `: TypeBox has no Type.${name} for JSON payloads; ${alternative}` : "";
}

/** The first line of `absPath` named by the error's stack, so the message points at the throwing statement. */
function lineInStack(error: unknown, absPath: string): number | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const url = pathToFileURL(absPath).href;
  for (const line of stack.split("\n")) {
    const at = line.indexOf(url) >= 0 ? line.indexOf(url) + url.length : line.indexOf(absPath) >= 0 ? line.indexOf(absPath) + absPath.length : -1;
    if (at < 0) continue;
    const match = /^(?:\?[^:]*)?:(\d+)/.exec(line.slice(at));
    if (match) return Number(match[1]);
  }
  return undefined;
}
