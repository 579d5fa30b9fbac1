/**
 * Reading a JSON Schema node as the checker and the sampler need it: annotations set aside, `$ref`s
 * resolved against the schema's own `$defs` (TypeBox's Cyclic names them by key or `$id`), the set of
 * JSON types a node admits, and a compiled validator of a node in its root's context.
 */
import { Compile } from "typebox/compile";
import type { JsonValue } from "../model.js";
import { canonicalJson } from "../schema-json.js";
import { DOC_KEYWORDS, isJsonObject } from "./canonicalize.js";

export type Schema = { readonly [key: string]: JsonValue };

/** Keywords with no effect on what a schema accepts. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([...DOC_KEYWORDS, "default", "x-sensitive", "readOnly", "writeOnly", "deprecated", "$schema", "$id", "$anchor"]);

export const ALL_TYPES = ["string", "number", "integer", "boolean", "null", "object", "array"] as const;
export type JsonType = (typeof ALL_TYPES)[number];

/** A schema as an object: `true` is `{}`, `false` is `{ not: {} }`. */
export function asSchema(value: JsonValue | undefined): Schema {
  if (value === false) return { not: {} };
  return isJsonObject(value) ? value : {};
}

/** The node without annotations. */
export function strip(schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !ANNOTATIONS.has(key)));
}

export function isAny(schema: Schema): boolean {
  return Object.keys(strip(schema)).length === 0;
}

export function isNever(schema: Schema): boolean {
  const s = strip(schema);
  return (isJsonObject(s.not) && isAny(s.not)) || (Array.isArray(s.enum) && s.enum.length === 0) || (Array.isArray(s.anyOf) && s.anyOf.length === 0);
}

/** The target of a local `$ref`: a `#/...` pointer, or the key or `$id` of one of the root's `$defs`. */
export function resolveRef(root: JsonValue, ref: string): Schema | undefined {
  if (!isJsonObject(root)) return undefined;
  if (ref === "#") return root;
  if (ref.startsWith("#/")) {
    let node: JsonValue | undefined = root;
    for (const part of ref.slice(2).split("/")) {
      if (!isJsonObject(node)) return undefined;
      node = node[decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~")];
    }
    return isJsonObject(node) ? node : undefined;
  }
  for (const defsKey of ["$defs", "definitions"]) {
    const defs = root[defsKey];
    if (!isJsonObject(defs)) continue;
    const named = defs[ref];
    if (isJsonObject(named)) return named;
    const byId = Object.values(defs).find((def) => isJsonObject(def) && def.$id === ref);
    if (isJsonObject(byId)) return byId;
  }
  return undefined;
}

/** The JSON types a node admits by its `type` keyword (all of them without one). */
export function typeSet(schema: Schema): Set<JsonType> {
  const type = schema.type;
  if (typeof type === "string") return new Set([type as JsonType]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is JsonType => typeof t === "string"));
  return new Set(ALL_TYPES);
}

/** Whether the node's tree holds a `$ref` (its meaning then depends on its root). */
export function hasRef(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(hasRef);
  if (!isJsonObject(value)) return false;
  return "$ref" in value || Object.values(value).some(hasRef);
}

/** Equal text without annotations, at every level. */
export function sameSchema(a: JsonValue, b: JsonValue): boolean {
  return canonicalJson(withoutAnnotations(a)) === canonicalJson(withoutAnnotations(b));
}

function withoutAnnotations(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutAnnotations);
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !ANNOTATIONS.has(key)).map(([key, item]) => [key, withoutAnnotations(item)]));
}

export type Validator = (value: unknown) => boolean;

const compiled = new Map<string, Validator>();

/** TypeBox's compiled check of `schema`, a node of `root` (whose `$defs` it may reference). */
export function validatorOf(schema: JsonValue, root: JsonValue): Validator {
  const node = asSchema(schema);
  const defs = isJsonObject(root) ? (root.$defs ?? root.definitions) : undefined;
  const whole: Schema = defs !== undefined && node !== root ? { ...node, $defs: defs } : node;
  const key = canonicalJson(whole);
  let validator = compiled.get(key);
  if (!validator) {
    try {
      const check = Compile(whole as never);
      validator = (value) => check.Check(value);
    } catch {
      validator = () => false;
    }
    if (compiled.size > 2000) compiled.clear();
    compiled.set(key, validator);
  }
  return validator;
}
