import { SENSITIVE_KEYWORD, SENSITIVE_MASK } from "./sensitive.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = Record<string, unknown>;

// A `$ref` followed without descending into the value; a schema that loops on itself stops here.
const MAX_REF_HOPS = 32;

/**
 * A copy of `payload` with every value its schema marks sensitive (Sensitive(), `x-sensitive: true`)
 * replaced by SENSITIVE_MASK. Follows properties, patternProperties, additionalProperties, items and
 * prefixItems, allOf/anyOf/oneOf (a field sensitive in any branch is masked) and local `$ref`s. With
 * no schema the payload is copied as it is.
 */
export function maskPayload(schema: object | undefined, payload: unknown): unknown {
  const copy = payload === undefined ? undefined : (structuredClone(payload) as Json);
  if (!schema || copy === undefined) return copy;
  return mask(schema as SchemaNode, copy, schema as SchemaNode, 0);
}

function mask(schema: SchemaNode, value: Json, root: SchemaNode, hops: number): Json {
  if (typeof schema !== "object" || schema === null) return value;
  if (schema[SENSITIVE_KEYWORD] === true) return SENSITIVE_MASK;
  let out = value;
  const ref = schema.$ref;
  if (typeof ref === "string" && hops < MAX_REF_HOPS) {
    const target = resolveRef(root, ref);
    if (target) out = mask(target, out, root, hops + 1);
  }
  for (const keyword of ["allOf", "anyOf", "oneOf"] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) for (const branch of branches) out = mask(branch as SchemaNode, out, root, hops);
  }
  if (Array.isArray(out)) return maskItems(schema, out, root);
  if (out !== null && typeof out === "object") return maskProperties(schema, out, root);
  return out;
}

function maskItems(schema: SchemaNode, items: Json[], root: SchemaNode): Json[] {
  // prefixItems (2020-12) or an items array (draft 7) for the leading positions, items for the rest.
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
  const rest = isNode(schema.items) ? schema.items : isNode(schema.additionalItems) ? schema.additionalItems : undefined;
  return items.map((item, i) => {
    const itemSchema = i < prefix.length ? (prefix[i] as SchemaNode) : rest;
    return itemSchema ? mask(itemSchema, item, root, 0) : item;
  });
}

function maskProperties(schema: SchemaNode, object: { [key: string]: Json }, root: SchemaNode): { [key: string]: Json } {
  const properties = isNode(schema.properties) ? schema.properties : {};
  const patterns = isNode(schema.patternProperties) ? Object.entries(schema.patternProperties).map(([pattern, s]) => [safeRegExp(pattern), s as SchemaNode] as const) : [];
  const additional = isNode(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const key of Object.keys(object)) {
    let matched = false;
    if (Object.hasOwn(properties, key)) {
      object[key] = mask(properties[key] as SchemaNode, object[key]!, root, 0);
      matched = true;
    }
    for (const [pattern, s] of patterns) {
      if (pattern?.test(key)) {
        object[key] = mask(s, object[key]!, root, 0);
        matched = true;
      }
    }
    if (!matched && additional) object[key] = mask(additional, object[key]!, root, 0);
  }
  return object;
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

/**
 * A `#/...` JSON pointer into the root schema, or the name or `$id` of one of its `$defs` (as
 * TypeBox's Cyclic writes them); other references are not followed.
 */
export function resolveRef(root: SchemaNode, ref: string): SchemaNode | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) {
    const defs = isNode(root.$defs) ? root.$defs : {};
    if (Object.hasOwn(defs, ref) && isNode(defs[ref])) return defs[ref];
    return Object.values(defs).find((def): def is SchemaNode => isNode(def) && def.$id === ref);
  }
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    if (!isNode(node)) return undefined;
    node = node[decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return isNode(node) ? node : undefined;
}
