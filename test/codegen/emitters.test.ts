/** Per-stage given/want tables on hand-built models: no file is read, no module loaded. */
import { describe, expect, it } from "vitest";
import { checkContract } from "../../codegen/check.js";
import { emitContext } from "../../codegen/emit-context.js";
import { emitJobNames, emitPayloadMap, emitSchemaHashes } from "../../codegen/emit-contract.js";
import { emitSchedule } from "../../codegen/emit-schedule.js";
import { emitPayloadType, schemaToType } from "../../codegen/emit-types.js";
import { emitDefaults, emitValidator, emitValidatorImports } from "../../codegen/emit-validator.js";
import { generateFromModel } from "../../codegen/generate.js";
import type { ContractModel, JobModel, JsonValue } from "../../codegen/model.js";
import { pascalCase } from "../../codegen/naming.js";
import { canonicalJson, findNonJson, schemaHash } from "../../codegen/schema-json.js";
import { fillTemplate } from "../../codegen/templates.js";
import { tsLiteral } from "../../codegen/ts-literal.js";

const job = (name: string, schema: unknown = { type: "object", properties: {} }, extra: Partial<JobModel> = {}): JobModel => ({
  name, line: 3, doc: undefined, schema, defaults: {}, ...extra,
});
const model = (...jobs: JobModel[]): ContractModel => ({ file: "jobs.schema.ts", sourceName: "jobs.schema.ts", jobs });

describe("schemaToType", () => {
  it.each<[string, JsonValue, string]>([
    ["string", { type: "string" }, "string"],
    ["integer", { type: "integer", minimum: 0 }, "number"],
    ["boolean", { type: "boolean" }, "boolean"],
    ["null", { type: "null" }, "null"],
    ["const", { const: "a" }, '"a"'],
    ["enum", { enum: ["a", 1, true] }, '"a" | 1 | true'],
    ["anyOf", { anyOf: [{ type: "string" }, { type: "null" }] }, "string | null"],
    ["type list", { type: ["string", "number"] }, "string | number"],
    ["array", { type: "array", items: { type: "string" } }, "string[]"],
    ["array of union", { type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }] } }, "Array<string | number>"],
    ["tuple", { type: "array", items: [{ type: "string" }, { type: "number" }] }, "[string, number]"],
    ["record", { type: "object", patternProperties: { "^.*$": { type: "number" } } }, "{\n  [key: string]: number;\n}"],
    ["empty object", { type: "object", properties: {} }, "{}"],
    ["closed empty object", { type: "object", properties: {}, additionalProperties: false }, "Record<string, never>"],
    ["allOf", { allOf: [{ const: 1 }, { anyOf: [{ const: 1 }, { const: 2 }] }] }, "1 & (1 | 2)"],
    ["no type", {}, "unknown"],
    [
      "object with optional, quoted key and description",
      { type: "object", required: ["a"], properties: { a: { type: "string", description: "The a." }, "b-c": { type: "number" } } },
      '{\n  /** The a. */\n  a: string;\n  "b-c"?: number;\n}',
    ],
  ])("%s", (_name, schema, want) => {
    expect(schemaToType(schema, "")).toBe(want);
  });
});

describe("tsLiteral", () => {
  it.each<[JsonValue, string]>([
    [{ a: 1, "b-c": [true, null] }, '{ a: 1, "b-c": [true, null] }'],
    [[], "[]"],
    [{}, "{}"],
    [{ long: "x".repeat(100) }, `{\n  long: "${"x".repeat(100)}",\n}`],
  ])("%j", (value, want) => {
    expect(tsLiteral(value)).toBe(want);
  });
});

describe("naming and hashing", () => {
  it.each([["welcomeEmail", "WelcomeEmail"], ["welcome_email", "WelcomeEmail"], ["a$b", "AB"], ["x", "X"]])("pascalCase(%s) = %s", (name, want) => {
    expect(pascalCase(name)).toBe(want);
  });
  it("hashes canonical JSON, so key order does not matter", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(schemaHash({ b: 1, a: 2 })).toBe(schemaHash({ a: 2, b: 1 }));
    expect(schemaHash({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
  it.each<[string, unknown, string | undefined]>([
    ["plain JSON", { type: "string", enum: ["a"] }, undefined],
    ["a function", { type: "object", properties: { f: () => 1 } }, "/properties/f"],
    ["a Date", { default: new Date(0) }, "/default"],
    ["a Uint8Array", { default: new Uint8Array(1) }, "/default"],
    ["a bigint", { default: 1n }, "/default"],
    ["undefined", { default: undefined }, "/default"],
    ["type undefined", { anyOf: [{ type: "undefined" }] }, "/anyOf/0"],
  ])("findNonJson: %s", (_name, schema, path) => {
    expect(findNonJson(schema)?.path).toBe(path);
  });
});

describe("checkContract", () => {
  it.each<[string, ContractModel, RegExp[]]>([
    ["a good model", model(job("a"), job("b")), []],
    ["no jobs", model(), [/declares no job types/]],
    ["a bad name", model(job("1x")), [/^job "1x": name must be letters, digits and _, not starting with a digit; got "1x"$/]],
    ["a name the runtime accepts but no type name can be made of", model(job("_")), [/^job "_": name gives no usable type name \(""\)$/]],
    ["a clash after case normalisation", model(job("fooBar"), job("foo_bar", undefined, { line: 9 })), [/"fooBar" \(line 3\) and "foo_bar" clash: both become FooBar/]],
    ["generated identifiers that collide", model(job("x"), job("xBulk")), [/job "xBulk" would declare scheduleXBulk, which job "x" declares too/]],
    ["a module identifier", model(job("jobs")), []],
    ["a payload that is not a schema", model(job("a", 42)), [/payload must be a TypeBox schema/]],
    ["bad defaults", model(job("a", undefined, { defaults: { retries: -1, priority: 5000 } })), [/^job "a": retries must be an integer from 0 to 1000, got -1$/, /^job "a": priority must be an integer from -1024 to 1023, got 5000$/]],
    ["a description that is not text", model(job("a", undefined, { description: 5 })), [/^job "a": description must be a string, got number$/]],
    [
      "a default that a JSON literal would not give back",
      model(job("a", undefined, { defaults: { backoff: { type: "fixed", delay: 5, note: undefined } } })),
      [/^job "a": backoff\.note holds undefined; a default is copied into the generated module, so it must be plain JSON$/],
    ],
    ["a default that breaks a rule is reported once", model(job("a", undefined, { defaults: { timeout: Number.NaN } })), [/^job "a": timeout must be a non-negative number of ms, got NaN$/]],
  ])("%s", (_name, given, want) => {
    const messages = checkContract(given).map((d) => d.message);
    expect(messages).toHaveLength(want.length);
    want.forEach((pattern, i) => expect(messages[i]).toMatch(pattern));
  });
  it("reports the entry's line", () => {
    expect(checkContract(model(job("bad-name", undefined, { line: 12 })))[0]).toMatchObject({ file: "jobs.schema.ts", line: 12 });
  });
});

describe("emitters", () => {
  const ctx = emitContext(model(
    job("zeta", { type: "object", required: ["id"], properties: { id: { type: "string", pattern: "^z" } } }, { defaults: { retries: 2, backoff: { type: "fixed", delay: "1s" } } }),
    job("alpha", { type: "object", required: ["at"], properties: { at: { type: "string", format: "date-time" } } }, { doc: "Alpha does *\/ things." }),
  ));
  const [alpha, zeta] = ctx.jobs;

  it("sorts jobs by name", () => {
    expect(emitJobNames(ctx)).toBe('"alpha",\n"zeta",');
    expect(emitPayloadMap(ctx)).toBe("alpha: AlphaPayload;\nzeta: ZetaPayload;");
    expect(emitSchemaHashes(ctx)).toBe(`alpha: "${alpha!.hash}",\nzeta: "${zeta!.hash}",`);
  });
  it("writes the payload type with the entry's doc, escaping the comment end", () => {
    expect(emitPayloadType(ctx, alpha!)).toBe("/**\n * The payload of a alpha job.\n *\n * Alpha does *\\/ things.\n */\nexport type AlphaPayload = {\n  at: string;\n};");
  });
  it("emits defaults in a fixed order, omitting the absent ones", () => {
    expect(emitDefaults(zeta!)).toBe('retries: 2,\nbackoff: { type: "fixed", delay: "1s" },');
    expect(emitDefaults(alpha!)).toBe("");
  });
  it("emits the compiled check with its externals rebuilt, in its own scope", () => {
    const text = emitValidator(ctx, zeta!);
    expect(text).toContain('const External: readonly unknown[] = [new RegExp("^z", "u")];');
    expect(text).toContain("const compiledZeta = ((): ((value: unknown) => boolean) => {");
    expect(text).toContain("export function isZetaPayload(value: unknown): value is ZetaPayload {");
    expect(text).not.toMatch(/^\s*export function Check/m);
    expect(emitValidator(ctx, alpha!)).toContain('[Format.Get("date-time")]');
  });
  it("imports only the helpers the compiled code uses", () => {
    expect(emitValidatorImports(ctx)).toBe('import { Format } from "typebox/format";');
  });
  it("emits the three schedule functions", () => {
    const text = emitSchedule(ctx, zeta!);
    expect(text).toContain("export function scheduleZeta(payload: ZetaPayload, options?: ScheduleOptions): Promise<Job<ZetaPayload>> {");
    expect(text).toContain("export function scheduleZetaBulk(payloads: readonly ZetaPayload[], options?: ScheduleOptions): Promise<Job<ZetaPayload>[]> {");
    expect(text).toContain("export function scheduleRecurringZeta(payload: ZetaPayload, recurrence: Recurrence, options?: ScheduleOptions): Promise<Job<ZetaPayload>> {");
  });
  it("generates from a model without touching a file, or returns its diagnostics", () => {
    const ok = generateFromModel(model(job("a")));
    expect(ok.ok && ok.text.startsWith("// Generated by jobs-gen from jobs.schema.ts — DO NOT EDIT.\n")).toBe(true);
    expect(generateFromModel(model(job("a-b"))).ok).toBe(false);
  });
});

describe("fillTemplate", () => {
  const section = "const __X__ = 1;\n  /* @jobs:body */\n/**\n * Head.\n * @jobs:doc\n */";
  it("replaces tokens, indents slots, drops empty slots and formats the doc", () => {
    expect(fillTemplate(section, { tokens: { __X__: "y" }, slots: { body: "a;\n\nb; // __X__" }, doc: "One.\nTwo." }))
      .toBe("const y = 1;\n  a;\n\n  b; // __X__\n/**\n * Head.\n *\n * One.\n * Two.\n */");
    expect(fillTemplate(section, { tokens: { __X__: "y" }, slots: { body: "" } })).toBe("const y = 1;\n/**\n * Head.\n */");
  });
  it("refuses a slot with no value", () => {
    expect(() => fillTemplate(section, {})).toThrow(/no value for template slot body/);
  });
});
