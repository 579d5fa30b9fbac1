/**
 * Writers closed, readers open: a schedule call validates a payload against its schema *closed*, so
 * no new job carries a key the schema does not declare; a pool validates the schema as declared. A
 * later version may then add an optional field without an old job already holding that key with
 * another type.
 */

type Node = { readonly [key: string]: unknown };

const closed = new WeakMap<object, object>();

/**
 * `schema` with every object that leaves its unknown keys open (no `additionalProperties` nor
 * `unevaluatedProperties`) made to refuse them. An intersection (`allOf`) is closed as a whole with
 * `unevaluatedProperties: false`, never member by member, which would refuse the other members' keys;
 * so are the unions and references inside it. Cached per schema object.
 */
export function closedSchema<S extends object>(schema: S): S {
  let result = closed.get(schema);
  if (!result) {
    result = close(schema as Node, false) as object;
    closed.set(schema, result);
  }
  return result as S;
}

const SINGLE = ["items", "additionalItems", "contains", "not", "if", "then", "else", "propertyNames", "unevaluatedItems"];
const LISTS = ["anyOf", "oneOf", "prefixItems", "items"];
const MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/** `inMember`: the node is part of an intersection member, whose keys the intersection closes. */
function close(node: unknown, inMember: boolean): unknown {
  if (!isNode(node)) return node;
  const out: { [key: string]: unknown } = { ...node };
  for (const key of SINGLE) if (isNode(node[key])) out[key] = close(node[key], false);
  for (const key of LISTS) if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map((item) => close(item, inMember && (key === "anyOf" || key === "oneOf")));
  for (const key of MAPS) {
    const map = node[key];
    if (isNode(map)) out[key] = Object.fromEntries(Object.entries(map).map(([name, item]) => [name, close(item, false)]));
  }
  if (isNode(node.additionalProperties)) out.additionalProperties = close(node.additionalProperties, false);
  if (isNode(node.unevaluatedProperties)) out.unevaluatedProperties = close(node.unevaluatedProperties, false);
  const open = node.additionalProperties === undefined && node.unevaluatedProperties === undefined;
  if (Array.isArray(node.allOf)) {
    out.allOf = node.allOf.map((member) => close(member, true));
    if (open && !inMember) out.unevaluatedProperties = false;
  } else if (open && !inMember && isObjectSchema(node)) {
    out.additionalProperties = false;
  }
  return out;
}

function isObjectSchema(node: Node): boolean {
  return node.type === "object" || (node.type === undefined && (isNode(node.properties) || Array.isArray(node.required)));
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
