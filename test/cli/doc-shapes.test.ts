/**
 * docs/cli.md and test/cli/json-shapes.ts describe the same `--json` documents: every field the doc
 * lists is in the shape and every field of the shape is in the doc, so neither can drift alone.
 */
import { readFileSync } from "node:fs";
import type { TSchema } from "typebox";
import { describe, expect, it } from "vitest";
import { JobShape, shapes } from "./json-shapes.js";

/** Field names, each with its nested fields when the doc (or the shape) spells them out. */
type Fields = { [name: string]: Fields | null };

const doc = readFileSync(new URL("../../docs/cli.md", import.meta.url), "utf8");

/** The fields of a `--json` (`XJson`) paragraph: an inline `{ ... }` or a field table. */
function documented(name: string): Fields {
  const marker = name === "JobJson" ? "(`JobJson`):" : `\`--json\` (\`${name}\`):`;
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/cli.md documents no ${name}`);
  const rest = doc.slice(at + marker.length).trimStart();
  // The inline form is a code span: `{ ... }`.
  return rest.startsWith("`{") ? parseFields(rest.slice(1).replace(/\s+/g, " "), 0).fields : tableFields(rest);
}

/** The first column of the table that follows: `| \`field\` | type | meaning |` rows. */
function tableFields(text: string): Fields {
  const fields: Fields = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith("|")) {
      if (Object.keys(fields).length > 0) break;
      continue;
    }
    const cell = /^\|\s*`(\w+)`\s*\|/.exec(line);
    if (cell) fields[cell[1]!] = null;
  }
  return fields;
}

/**
 * `{ a, b (free text), c: { d, e }, f: [{ g }] }` from `text[start]`: names, and the nested fields
 * given after a colon; parenthesised text is prose and skipped.
 */
function parseFields(text: string, start: number): { fields: Fields; end: number } {
  const fields: Fields = {};
  let i = start + 1;
  const skipSpaces = (): void => {
    while (text[i] === " ") i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === "}") return { fields, end: i + 1 };
    const name = /^\w+/.exec(text.slice(i))?.[0];
    if (!name) throw new Error(`docs/cli.md: expected a field name at "${text.slice(i, i + 40)}"`);
    i += name.length;
    fields[name] = null;
    skipSpaces();
    if (text[i] === ":") {
      i++;
      skipSpaces();
      const inArray = text[i] === "[";
      if (inArray) i++;
      const nested = parseFields(text, i);
      fields[name] = nested.fields;
      i = nested.end + (inArray ? 1 : 0);
      skipSpaces();
    }
    if (text[i] === "(") {
      for (let depth = 0; ; i++) {
        if (text[i] === "(") depth++;
        else if (text[i] === ")" && --depth === 0) break;
      }
      i++;
      skipSpaces();
    }
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`docs/cli.md: expected , or } after ${name} at "${text.slice(i, i + 40)}"`);
  }
}

/** The shape's field names, with the nested ones where the doc spells them out (`like`). */
function shapeFields(schema: TSchema, like: Fields): Fields {
  const properties = (objectOf(schema) as { properties: Record<string, TSchema> }).properties;
  return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, like[name] ? shapeFields(property, like[name]!) : null]));
}

/** The object inside a nullable or an array, as the doc describes it. */
function objectOf(schema: TSchema): TSchema {
  const s = schema as { type?: string; items?: TSchema; anyOf?: TSchema[]; properties?: object };
  if (s.properties) return schema;
  if (s.items) return objectOf(s.items);
  const branch = s.anyOf?.find((b) => (b as { type?: string }).type !== "null");
  if (branch) return objectOf(branch);
  throw new Error("json-shapes.ts: expected an object shape");
}

const documents: Record<string, TSchema> = {
  JobJson: JobShape,
  StatsJson: shapes.stats,
  LsJson: shapes.ls,
  ShowJson: shapes.show,
  ActionJson: shapes.action,
  BulkJson: shapes.bulk,
  PauseJson: shapes.pause,
  PoolsJson: shapes.pools,
  RecurringJson: shapes.recurring,
  ContractsJson: shapes.contracts,
  ScriptsJson: shapes.scripts,
};

describe("docs/cli.md and json-shapes.ts", () => {
  it("cover the same --json documents", () => {
    const named = [...doc.matchAll(/\(`(\w+Json)`\)/g)].map((m) => m[1]).sort();
    expect(named).toEqual(Object.keys(documents).sort());
    expect(Object.keys(documents).length).toBe(Object.keys(shapes).length + 1);
  });

  it.each(Object.entries(documents))("%s names the same fields in both", (name, schema) => {
    const fields = documented(name);
    expect(shapeFields(schema, fields)).toEqual(fields);
  });
});
