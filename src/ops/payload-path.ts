import { resolveRef } from "../contract/mask-payload.js";
import { SENSITIVE_KEYWORD } from "../contract/sensitive.js";
import { InvalidOptionError } from "../errors.js";

/**
 * A payload field's path as given to a bulk action's `where`: "user.id", or the JSON pointer
 * "/user/id" (~1 for "/", ~0 for "~" inside a segment). Array items are numbered from 0.
 */
export function parsePayloadPath(path: string, op: string): string[] {
  const segments = path.startsWith("/") ? path.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : path.split(".");
  if (segments.some((s) => s === "")) throw new InvalidOptionError(op, "where", `path ${JSON.stringify(path)} has an empty segment; use "a.b" or "/a/b"`);
  return segments;
}

type Schema = Readonly<Record<string, unknown>>;

/**
 * Whether a JSON Schema can hold a value at `segments`: by `properties`, `patternProperties`, an
 * object `additionalProperties`, `items` and `prefixItems` for array indexes, and through `allOf`,
 * `anyOf` and `oneOf`.
 */
export function schemaHasPath(schema: unknown, segments: readonly string[]): boolean {
  if (segments.length === 0) return true;
  if (typeof schema !== "object" || schema === null) return false;
  const s = schema as Schema;
  const [head, ...rest] = segments as [string, ...string[]];
  for (const combinator of ["allOf", "anyOf", "oneOf"]) {
    const branches = s[combinator];
    if (Array.isArray(branches) && branches.some((branch) => schemaHasPath(branch, segments))) return true;
  }
  return childSchemas(s, head).some((child) => schemaHasPath(child, rest));
}

/**
 * Whether the field at `segments`, or an object or array holding it, is marked sensitive
 * (`x-sensitive: true`) in any branch of the schema that can hold it, local `$ref`s followed as
 * maskPayload follows them: a `where` on it would let a caller test the secret's value.
 */
export function schemaPathIsSensitive(schema: unknown, segments: readonly string[]): boolean {
  return sensitiveAt(schema, segments, schema as Schema, 0);
}

// A `$ref` followed without moving along the path; a schema that loops on itself stops here.
const MAX_REF_HOPS = 32;

function sensitiveAt(schema: unknown, segments: readonly string[], root: Schema, hops: number): boolean {
  if (typeof schema !== "object" || schema === null) return false;
  const s = schema as Schema;
  if (s[SENSITIVE_KEYWORD] === true) return true;
  if (typeof s.$ref === "string" && hops < MAX_REF_HOPS && sensitiveAt(resolveRef(root as Record<string, unknown>, s.$ref), segments, root, hops + 1)) return true;
  for (const combinator of ["allOf", "anyOf", "oneOf"]) {
    const branches = s[combinator];
    if (Array.isArray(branches) && branches.some((branch) => sensitiveAt(branch, segments, root, hops))) return true;
  }
  if (segments.length === 0) return false;
  const [head, ...rest] = segments as [string, ...string[]];
  return childSchemas(s, head).some((child) => sensitiveAt(child, rest, root, 0));
}

/**
 * The payload's value at `segments` as bulk-select.lua's `fieldAt` reads it: object keys, or array
 * indexes from 0; undefined when the path leads nowhere.
 */
export function payloadFieldAt(payload: unknown, segments: readonly string[]): unknown {
  let value = payload;
  for (const segment of segments) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Whether every `[segments, value]` condition holds: the field there equals the scalar, as bulk-select.lua's `selects` compares. */
export function payloadMatches(payload: unknown, where: readonly (readonly [readonly string[], string | number | boolean | null])[]): boolean {
  return where.every(([segments, value]) => payloadFieldAt(payload, segments) === value);
}

function childSchemas(s: Schema, segment: string): unknown[] {
  const children: unknown[] = [];
  const properties = s.properties as Schema | undefined;
  if (properties && typeof properties === "object" && Object.hasOwn(properties, segment)) children.push(properties[segment]);
  const patterns = s.patternProperties as Schema | undefined;
  if (patterns && typeof patterns === "object") {
    for (const [pattern, child] of Object.entries(patterns)) if (matches(pattern, segment)) children.push(child);
  }
  if (typeof s.additionalProperties === "object" && s.additionalProperties !== null) children.push(s.additionalProperties);
  if (/^\d+$/.test(segment)) {
    const index = Number(segment);
    if (Array.isArray(s.prefixItems) && index < s.prefixItems.length) children.push(s.prefixItems[index]);
    else if (typeof s.items === "object" && s.items !== null) children.push(Array.isArray(s.items) ? s.items[index] : s.items);
  }
  return children;
}

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, "u").test(text);
  } catch {
    return false;
  }
}
