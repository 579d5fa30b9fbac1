/**
 * fast-check arbitraries shaped like a JSON Schema: values meant to satisfy it (formats, patterns,
 * bounds, enums, unions, optional properties) and mutations of them meant to break it. Whether a
 * mutation really breaks the schema does not matter: the tests compare two validators on it.
 */
import fc from "fast-check";

type Schema = Record<string, unknown>;

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  email: fc.emailAddress(),
  uuid: fc.uuid(),
  uri: fc.webUrl(),
  date: fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  "date-time": fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
};

/** Values shaped to satisfy `schema`. */
export function validValue(schema: Schema): fc.Arbitrary<unknown> {
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as Schema[]).map(validValue));
  switch (schema.type) {
    case "string":
      return stringValue(schema);
    case "integer":
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -1e6, max: (schema.maximum as number | undefined) ?? 1e6 });
    case "number":
      return fc.double({ min: (schema.minimum as number | undefined) ?? -1e6, max: (schema.maximum as number | undefined) ?? 1e6, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(validValue(schema.items as Schema), { minLength: (schema.minItems as number | undefined) ?? 0, maxLength: (schema.maxItems as number | undefined) ?? 4 });
    case "object":
      return objectValue(schema);
    default:
      return fc.anything();
  }
}

function stringValue(schema: Schema): fc.Arbitrary<string> {
  if (typeof schema.format === "string" && FORMATS[schema.format]) return FORMATS[schema.format]!;
  if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern, "u"));
  const minLength = (schema.minLength as number | undefined) ?? 0;
  return fc.string({ minLength, maxLength: (schema.maxLength as number | undefined) ?? minLength + 12, unit: "grapheme" });
}

function objectValue(schema: Schema): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const patterns = schema.patternProperties as Record<string, Schema> | undefined;
  const record = patterns ? fc.dictionary(fc.string({ maxLength: 6 }), validValue(Object.values(patterns)[0]!), { maxKeys: 3 }) : fc.constant({});
  const fixed = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, validValue(value)])),
    { requiredKeys: required },
  );
  return fc.tuple(record, fixed).map(([extra, known]) => ({ ...extra, ...known }));
}

/** Every path to a value inside `value` (objects and arrays), the root included. */
function paths(value: unknown, at: readonly (string | number)[] = []): (readonly (string | number)[])[] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...at, i])));
  else if (typeof value === "object" && value !== null) for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...at, key]));
  return out;
}

const REPLACEMENTS: readonly unknown[] = [null, 0, -1, 1.5, 1e9, "", "x", "not an email", true, [], {}, [1], { unexpected: 1 }];

/** A copy of `value` broken at one place: a value replaced, a key removed, an unknown key added. */
export function mutated(value: unknown): fc.Arbitrary<unknown> {
  const all = paths(value);
  return fc.tuple(fc.constantFrom(...all), fc.constantFrom("replace", "remove", "add"), fc.constantFrom(...REPLACEMENTS)).map(([path, kind, replacement]) => {
    const copy = structuredClone(value);
    if (path.length === 0) return kind === "add" && typeof copy === "object" && copy !== null ? { ...copy, unexpected: replacement } : replacement;
    type Node = Record<string | number, unknown>;
    const parent = path.slice(0, -1).reduce<Node>((node, key) => node[key] as Node, copy as Node);
    const last = path[path.length - 1]!;
    const target = parent[last];
    if (kind === "replace") parent[last] = replacement;
    else if (kind === "remove") Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
    else if (typeof target === "object" && target !== null && !Array.isArray(target)) (target as Node).unexpected = replacement;
    else parent[last] = [target];
    return copy;
  });
}
