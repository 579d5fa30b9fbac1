/**
 * JSON values as readable TypeScript literals: on one line when short, else one entry per line with
 * trailing commas, as a person would format them. Deterministic: key order is the value's own.
 */
import type { JsonValue } from "./model.js";

const WIDTH = 100;
const BARE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as written in TypeScript: bare when it is an identifier, else quoted. */
export function propertyKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

/** The literal of `value`, for text that starts at column `indent.length` (continuation lines get `indent`). */
export function tsLiteral(value: JsonValue, indent = ""): string {
  const inline = inlineLiteral(value);
  if (inline.length + indent.length <= WIDTH || value === null || typeof value !== "object") return inline;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((item: JsonValue) => `${inner}${tsLiteral(item, inner)},\n`).join("")}${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: JsonValue });
  return `{\n${entries.map(([key, item]) => `${inner}${propertyKey(key)}: ${tsLiteral(item, inner)},\n`).join("")}${indent}}`;
}

function inlineLiteral(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item: JsonValue) => inlineLiteral(item)).join(", ")}]`;
  const entries = Object.entries(value as { readonly [key: string]: JsonValue });
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([key, item]) => `${propertyKey(key)}: ${inlineLiteral(item)}`).join(", ")} }`;
}
