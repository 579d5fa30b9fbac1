import { parsePayloadPath, schemaHasPath, schemaPathIsSensitive } from "typed-jobs";
import { usageError } from "./cli-error.js";
import type { ContractBook } from "./contract-book.js";

export type WhereValue = string | number | boolean | null;
export type Where = Readonly<Record<string, WhereValue>>;
/** A `--where` path as segments, and the value the payload must hold there. */
export type WhereCondition = readonly [readonly string[], WhereValue];

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

/**
 * Each path checked before any job is read, as the bulk actions check theirs: it must be in the
 * type's newest registered schema, and no registered schema of the type may mark it (or what holds
 * it) sensitive, else a filter would let anyone test a secret's value one guess at a time.
 */
export function checkWhere(book: ContractBook, op: string, type: string, where: Where): WhereCondition[] {
  const entries = Object.entries(where);
  if (entries.length === 0) return [];
  const schema = book.newestSchema(type);
  return entries.map(([path, value]) => {
    const segments = parsePayloadPath(path, op);
    if (schema === undefined) throw usageError(`--where ${path}: no payload schema is registered for job type ${type}, so the path cannot be checked`);
    if (!schemaHasPath(schema, segments)) throw usageError(`--where ${path}: the payload schema of job type ${type} has no such path`);
    if (book.schemasOf(type).some((s) => schemaPathIsSensitive(s, segments))) throw usageError(`--where ${path}: a sensitive field cannot be used in --where`);
    return [segments, value] as const;
  });
}
