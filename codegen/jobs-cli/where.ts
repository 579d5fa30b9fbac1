import { usageError } from "./cli-error.js";

export type WhereValue = string | number | boolean | null;
export type Where = Readonly<Record<string, WhereValue>>;

/** commander's collector for the repeatable `--where path=value`. */
export function collectWhere(item: string, previous: string[]): string[] {
  return [...previous, item];
}

/**
 * `path=value` items to a selection: the path as "a.b" or the JSON pointer "/a/b"; the value parsed
 * as JSON when it parses to a number, boolean, null or quoted string, else taken as the text itself.
 */
export function parseWhere(items: readonly string[]): Where {
  const where: Record<string, WhereValue> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw usageError(`--where ${JSON.stringify(item)}: expected path=value, e.g. --where user.id=42`);
    const path = item.slice(0, eq);
    if (Object.hasOwn(where, path)) throw usageError(`--where: the path ${path} is given twice`);
    where[path] = parseValue(path, item.slice(eq + 1));
  }
  return where;
}

function parseValue(path: string, text: string): WhereValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value as WhereValue;
  throw usageError(`--where ${path}: the value must be a number, true, false, null or a string, not ${Array.isArray(value) ? "an array" : "an object"}`);
}

/** The path's segments: "a.b" splits on dots; "/a/b" is a JSON pointer (~1 is "/", ~0 is "~"). */
export function pathSegments(path: string): string[] {
  if (!path.startsWith("/")) return path.split(".");
  return path.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** True when every path of `where` holds exactly its value in the payload. */
export function matchesWhere(payload: unknown, where: Where): boolean {
  return Object.entries(where).every(([path, wanted]) => {
    let value: unknown = payload;
    for (const segment of pathSegments(path)) {
      if (value === null || typeof value !== "object" || !Object.hasOwn(value, segment)) return false;
      value = (value as Record<string, unknown>)[segment];
    }
    return value === wanted;
  });
}
