/**
 * A payload schema must be plain JSON Schema: it is embedded in the generated module, hashed, and
 * read by tools in other languages. These helpers find what cannot travel and hash what can.
 */
import { createHash } from "node:crypto";
import { jsonAlternative } from "./json-alternatives.js";
import type { JsonValue } from "./model.js";

const JSON_TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

/** Where (a JSON pointer into the schema) and what is not JSON. */
export interface NonJson {
  readonly path: string;
  readonly problem: string;
}

/** The first value in `schema` that is not JSON, or that declares a type JSON has no values of. */
export function findNonJson(value: unknown, path = ""): NonJson | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { path, problem: `the number ${value}` };
  if (typeof value !== "object") return { path, problem: describeNonObject(value) };
  if (Array.isArray(value)) return firstOf(value.map((item, i) => [String(i), item] as const), path);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const alternative = jsonAlternative(className(value));
    return { path, problem: `a ${className(value)} value${alternative ? ` (${alternative})` : ""}` };
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type === "string" && !JSON_TYPES.has(record.type)) {
    const alternative = jsonAlternative(record.type);
    return { path, problem: `type "${record.type}", which has no JSON values${alternative ? ` (${alternative})` : ""}` };
  }
  // Own names, not only enumerable keys: TypeBox keeps refinements and codecs (functions) in hidden `~` keys.
  return firstOf(Object.getOwnPropertyNames(record).map((key) => [key, record[key]] as const), path);
}

function firstOf(entries: readonly (readonly [string, unknown])[], path: string): NonJson | undefined {
  for (const [key, item] of entries) {
    const found = findNonJson(item, `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
    if (found) return found;
  }
  return undefined;
}

function describeNonObject(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return "a bigint";
  if (typeof value === "symbol") return "a symbol";
  return "undefined";
}

function className(value: object): string {
  return value.constructor?.name ?? "non-plain object";
}

/** JSON with object keys sorted at every level: equal schemas give equal text, whatever their key order. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item: JsonValue) => canonicalJson(item)).join(",")}]`;
  const record = value as { readonly [key: string]: JsonValue };
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key]!)}`).join(",")}}`;
}

/** The first 16 hex digits of sha256 over the canonical JSON: stamped on every job of the type. */
export function schemaHash(schema: JsonValue): string {
  return createHash("sha256").update(canonicalJson(schema)).digest("hex").slice(0, 16);
}

/** The schema as plain JSON (drops TypeBox's non-enumerable markers), once `findNonJson` found nothing. */
export function toJson(schema: unknown): JsonValue {
  return JSON.parse(JSON.stringify(schema)) as JsonValue;
}
