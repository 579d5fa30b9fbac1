/**
 * A payload schema with its doc-only keywords removed, walked by JSON Schema's own structure: a
 * property *named* `description` is kept, only the keyword goes. Two schemas that differ only in
 * their docs canonicalize to the same value, so a doc edit never makes waiting jobs look foreign.
 */
import type { JsonValue } from "../model.js";

/** Keywords that document a schema and never change what it accepts. */
export const DOC_KEYWORDS: ReadonlySet<string> = new Set(["description", "title", "examples", "$comment"]);

type JsonObject = { readonly [key: string]: JsonValue };

/** Keywords whose value is one schema. */
export const SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  "items", "additionalItems", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
  "not", "if", "then", "else", "contains", "propertyNames",
]);
/** Keywords whose value is an array of schemas (`items` too, in its draft-7 tuple form). */
export const SCHEMA_ARRAY_KEYWORDS: ReadonlySet<string> = new Set(["allOf", "anyOf", "oneOf", "prefixItems", "items"]);
/** Keywords whose value maps names to schemas. */
export const SCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The schema without DOC_KEYWORDS at any schema position. */
export function withoutDocs(schema: JsonValue): JsonValue {
  if (!isJsonObject(schema)) return schema;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DOC_KEYWORDS.has(key)) continue;
    out[key] = mapSubschemas(key, value, withoutDocs);
  }
  return out;
}

/** `value` (the value of keyword `key`) with `f` applied to each schema it holds; other values as they are. */
export function mapSubschemas(key: string, value: JsonValue, f: (schema: JsonValue) => JsonValue): JsonValue {
  if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) return value.map((item: JsonValue) => f(item));
  if (SCHEMA_KEYWORDS.has(key) && (isJsonObject(value) || typeof value === "boolean")) return f(value);
  if (SCHEMA_MAP_KEYWORDS.has(key) && isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, f(item)]));
  }
  return value;
}
