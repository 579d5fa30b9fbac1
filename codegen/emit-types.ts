/**
 * JSON Schema → a written-out TypeScript type, so a reader of the generated module sees the payload's
 * shape (and each property's `description` as JSDoc) instead of a `Static<typeof ...>` to unfold.
 * It covers what TypeBox's builders produce for JSON payloads; anything else becomes `unknown`.
 */
import { fillTemplate, templateSection } from "./templates.js";
import type { EmitContext, EmitJob } from "./emit-context.js";
import type { JsonValue } from "./model.js";
import { propertyKey } from "./ts-literal.js";

type Schema = { readonly [key: string]: JsonValue };

/** `export type XxxPayload = ...;` with the entry's doc. */
export function emitPayloadType(_ctx: EmitContext, job: EmitJob): string {
  return fillTemplate(templateSection("payload-type", "payload-type"), {
    tokens: { __JOB_NAME__: job.name, __TYPE_NAME__: job.typeName, __PAYLOAD_TYPE__: schemaToType(job.schema, "") },
    doc: job.doc,
  });
}

/** The TypeScript type of values that satisfy `schema`, formatted for text indented by `indent`. */
export function schemaToType(schema: JsonValue, indent: string): string {
  if (schema === true) return "unknown";
  if (schema === false) return "never";
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return "unknown";
  const s = schema as Schema;
  if ("const" in s) return literalType(s.const!);
  if (Array.isArray(s.enum)) return union(s.enum.map((value: JsonValue) => literalType(value)));
  if (Array.isArray(s.anyOf)) return union(s.anyOf.map((item: JsonValue) => schemaToType(item, indent)));
  if (Array.isArray(s.oneOf)) return union(s.oneOf.map((item: JsonValue) => schemaToType(item, indent)));
  if (Array.isArray(s.allOf)) return s.allOf.map((item: JsonValue) => wrap(schemaToType(item, indent))).join(" & ");
  if (Array.isArray(s.type)) return union(s.type.map((type: JsonValue) => schemaToType({ ...s, type }, indent)));
  switch (s.type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return arrayType(s, indent);
    case "object":
      return objectType(s, indent);
    default:
      return "unknown";
  }
}

function arrayType(s: Schema, indent: string): string {
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  if (tuple) return `[${tuple.map((item: JsonValue) => schemaToType(item, indent)).join(", ")}]`;
  const items = s.items === undefined ? "unknown" : schemaToType(s.items, indent);
  return /^[A-Za-z0-9_]+$/.test(items) ? `${items}[]` : `Array<${items}>`;
}

function objectType(s: Schema, indent: string): string {
  const properties = (typeof s.properties === "object" && s.properties !== null && !Array.isArray(s.properties) ? s.properties : {}) as Schema;
  const required = new Set(Array.isArray(s.required) ? s.required.filter((key): key is string => typeof key === "string") : []);
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const [key, value] of Object.entries(properties)) {
    const description = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Schema).description : undefined;
    if (typeof description === "string") lines.push(`${inner}/** ${description.replaceAll("*/", "*\\/").replaceAll("\n", " ")} */`);
    lines.push(`${inner}${propertyKey(key)}${required.has(key) ? "" : "?"}: ${schemaToType(value, inner)};`);
  }
  const rest = restType(s, inner);
  if (rest) lines.push(`${inner}[key: string]: ${rest};`);
  return lines.length === 0 ? (s.additionalProperties === false ? "Record<string, never>" : "{}") : `{\n${lines.join("\n")}\n${indent}}`;
}

/** The index signature of a record (`patternProperties`, or a schema for `additionalProperties`) with no fixed properties. */
function restType(s: Schema, indent: string): string | undefined {
  if (s.properties !== undefined && Object.keys(s.properties as object).length > 0) return undefined;
  const patterns = s.patternProperties;
  if (typeof patterns === "object" && patterns !== null && !Array.isArray(patterns)) {
    const values = Object.values(patterns as Schema);
    if (values.length > 0) return union(values.map((value) => schemaToType(value, indent)));
  }
  if (typeof s.additionalProperties === "object" && s.additionalProperties !== null) return schemaToType(s.additionalProperties, indent);
  return undefined;
}

function literalType(value: JsonValue): string {
  return value === null || typeof value !== "object" ? JSON.stringify(value) : "unknown";
}

function union(members: readonly string[]): string {
  const unique = [...new Set(members)];
  if (unique.length === 0) return "never";
  return unique.join(" | ");
}

/** Parentheses around a union or intersection used inside another, so `A | B` stays one member. */
function wrap(type: string): string {
  return /^[^{\n]*[|&]/.test(type) && !type.startsWith("{") ? `(${type})` : type;
}
