/**
 * Values meant to satisfy a schema, drawn with a seeded random source: the raw material of
 * counterexamples. Best effort (a pattern and a length bound may disagree); every counterexample is
 * confirmed against the compiled validators before it is reported.
 */
import fc from "fast-check";
import type { JsonValue } from "../model.js";
import { isJsonObject } from "./canonicalize.js";
import { asSchema, resolveRef, strip, type Schema } from "./schema-node.js";

export type Rng = () => number;

/** A small, fast, seeded generator (mulberry32). */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FORMAT_SAMPLES: Readonly<Record<string, readonly string[]>> = {
  email: ["ada@example.com", "b.c@example.org"],
  uuid: ["6f1c7c1e-2b7a-4c55-9a53-2f4e1c0b9d11", "00000000-0000-4000-8000-000000000000"],
  uri: ["https://example.com/a", "urn:isbn:0451450523"],
  "uri-reference": ["/a/b", "https://example.com"],
  url: ["https://example.com/a"],
  date: ["2026-12-04", "1999-01-31"],
  "date-time": ["2026-12-04T10:00:00Z", "1999-01-31T23:59:59.123+01:00"],
  time: ["10:00:00Z", "23:59:59+01:00"],
  ipv4: ["192.0.2.1", "10.0.0.255"],
  ipv6: ["2001:db8::1", "::1"],
  hostname: ["example.com", "a.b.c"],
  duration: ["P1D", "PT1H"],
  regex: ["^a+$"],
};

const ANY_VALUES: readonly JsonValue[] = [null, 0, 1.5, "x", "", true, false, [], {}, -1, "any"];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** One value meant to satisfy `schema` (a node of `root`). */
export function sampleValue(schema: JsonValue, root: JsonValue, rng: Rng, depth = 0): JsonValue {
  const s = strip(asSchema(schema));
  if (depth > 24) return null;
  if (typeof s.$ref === "string") {
    const target = resolveRef(root, s.$ref);
    return target ? sampleValue(target, root, rng, depth + 1) : null;
  }
  if ("const" in s) return s.const!;
  if (Array.isArray(s.enum) && s.enum.length > 0) return pick(rng, s.enum);
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = s[key];
    if (Array.isArray(branches) && branches.length > 0) {
      // Deep in a recursive schema, prefer a branch that ends the recursion.
      const shallow = depth > 6 ? branches.filter((b) => !JSON.stringify(b).includes("$ref")) : [];
      const branch = pick(rng, shallow.length > 0 ? shallow : branches);
      const rest = Object.fromEntries(Object.entries(s).filter(([k]) => k !== key));
      return sampleValue(Object.keys(rest).length > 0 ? { ...rest, ...asSchema(branch) } : branch, root, rng, depth + 1);
    }
  }
  if (Array.isArray(s.allOf)) return sampleAllOf(s, root, rng, depth);
  const type = Array.isArray(s.type) ? pick(rng, s.type) : s.type;
  switch (type ?? impliedType(s)) {
    case "string":
      return sampleString(s, rng);
    case "integer":
      return sampleNumber(s, rng, true);
    case "number":
      return sampleNumber(s, rng, false);
    case "boolean":
      return rng() < 0.5;
    case "null":
      return null;
    case "array":
      return sampleArray(s, root, rng, depth);
    case "object":
      return sampleObject(s, root, rng, depth);
    default:
      return pick(rng, ANY_VALUES);
  }
}

function impliedType(s: Schema): string | undefined {
  if ("properties" in s || "required" in s || "additionalProperties" in s || "patternProperties" in s) return "object";
  if ("items" in s || "prefixItems" in s || "minItems" in s) return "array";
  if ("minLength" in s || "maxLength" in s || "pattern" in s || "format" in s) return "string";
  if ("minimum" in s || "maximum" in s || "multipleOf" in s || "exclusiveMinimum" in s || "exclusiveMaximum" in s) return "number";
  return undefined;
}

function sampleAllOf(s: Schema, root: JsonValue, rng: Rng, depth: number): JsonValue {
  const members = (s.allOf as JsonValue[]).map((m) => sampleValue(m, root, rng, depth + 1));
  if (members.every((m) => isJsonObject(m))) return Object.assign({}, ...members) as JsonValue;
  return members[0] ?? null;
}

function sampleString(s: Schema, rng: Rng): string {
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : min + 8;
  if (typeof s.format === "string" && FORMAT_SAMPLES[s.format]) return pick(rng, FORMAT_SAMPLES[s.format]!);
  if (typeof s.pattern === "string") {
    try {
      const seed = Math.floor(rng() * 2 ** 31);
      const found = fc.sample(fc.stringMatching(new RegExp(s.pattern, "u"), { size: "small" }), { seed, numRuns: 8 });
      return found.find((text) => [...text].length >= min && [...text].length <= max) ?? found[0] ?? "";
    } catch {
      return "";
    }
  }
  const length = min + Math.floor(rng() * (Math.max(min, Math.min(max, min + 8)) - min + 1));
  let text = "";
  for (let i = 0; i < length; i++) text += String.fromCharCode(97 + Math.floor(rng() * 26));
  return text;
}

function sampleNumber(s: Schema, rng: Rng, integer: boolean): number {
  let lo = typeof s.minimum === "number" ? s.minimum : -1000;
  let hi = typeof s.maximum === "number" ? s.maximum : 1000;
  if (typeof s.exclusiveMinimum === "number") lo = Math.max(lo, s.exclusiveMinimum + (integer ? 1 : 0.5));
  if (typeof s.exclusiveMaximum === "number") hi = Math.min(hi, s.exclusiveMaximum - (integer ? 1 : 0.5));
  if (integer) [lo, hi] = [Math.ceil(lo), Math.floor(hi)];
  const step = typeof s.multipleOf === "number" && s.multipleOf > 0 ? s.multipleOf : integer ? 1 : 0;
  const raw = pick(rng, [lo, hi, lo + (hi - lo) * rng(), 0]);
  if (step > 0) return Math.min(hi, Math.max(Math.ceil(lo / step) * step, Math.round(raw / step) * step));
  const value = Math.min(hi, Math.max(lo, raw));
  return integer ? Math.round(value) : value;
}

function sampleArray(s: Schema, root: JsonValue, rng: Rng, depth: number): JsonValue {
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
  const rest = Array.isArray(s.prefixItems) ? s.items : Array.isArray(s.items) ? s.additionalItems : s.items;
  const min = typeof s.minItems === "number" ? s.minItems : 0;
  const max = typeof s.maxItems === "number" ? s.maxItems : Math.max(min, prefix.length) + 2;
  const restAllowed = rest !== false;
  const length = restAllowed ? Math.max(prefix.length, Math.min(max, min + Math.floor(rng() * 3))) : prefix.length;
  const out: JsonValue[] = [];
  for (let i = 0; i < length; i++) {
    let item = sampleValue(i < prefix.length ? prefix[i]! : (rest ?? {}), root, rng, depth + 1);
    if (s.uniqueItems === true) {
      for (let tries = 0; tries < 8 && out.some((other) => JSON.stringify(other) === JSON.stringify(item)); tries++) item = sampleValue(i < prefix.length ? prefix[i]! : (rest ?? {}), root, rng, depth + 1);
    }
    out.push(item);
  }
  return out;
}

function sampleObject(s: Schema, root: JsonValue, rng: Rng, depth: number): JsonValue {
  const properties = isJsonObject(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === "string") : []);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, schema] of Object.entries(properties)) {
    if (required.has(key) || (depth < 6 && rng() < 0.5)) out[key] = sampleValue(schema, root, rng, depth + 1);
  }
  for (const key of required) if (!(key in out)) out[key] = sampleValue(isJsonObject(s.additionalProperties) ? s.additionalProperties : {}, root, rng, depth + 1);
  return out;
}
