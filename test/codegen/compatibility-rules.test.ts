/**
 * The compatibility check, table-driven: each row is a schema change, the class the checker must
 * give it (safe for a rolling deploy, safe for waiting jobs only, breaking) and, for a breaking one,
 * the rule and where. Every counterexample reported must really separate the two compiled validators.
 */
import Type from "typebox";
import { Compile } from "typebox/compile";
import { closedSchema } from "typed-jobs";
import { describe, expect, it } from "vitest";
import { checkCompatibility, type TypeVerdict } from "../../codegen/evolution/compatibility.js";
import { updateLock, type ContractLock } from "../../codegen/evolution/lock-file.js";
import { RULES, type ChangeClass, type RuleId } from "../../codegen/evolution/rules.js";
import type { JsonValue } from "../../codegen/model.js";

const json = (schema: unknown): JsonValue => JSON.parse(JSON.stringify(schema)) as JsonValue;

/** A lock holding `old` then `next` as versions 1 and 2 of type "t"; `open`: v1's jobs were written before writers were closed. */
function lockOf(old: unknown, next: unknown, open: boolean): ContractLock {
  const first = updateLock(undefined, [{ name: "t", schema: json(old) }]).lock;
  const v1 = open ? first : { types: { t: first.types.t!.map(({ legacyHashes: _, ...rest }) => rest) } };
  return updateLock(v1, [{ name: "t", schema: json(next) }]).lock;
}

function verdictOf(old: unknown, next: unknown, open = false): TypeVerdict {
  return checkCompatibility(lockOf(old, next, open), new Map([["t", 7]]))[0]!;
}

const S = Type.String;
const N = Type.Number;
const I = Type.Integer;
const O = Type.Object;
const Opt = Type.Optional;
const node = (value: ReturnType<typeof N> | ReturnType<typeof I>, extra = {}) => Type.Cyclic({ Node: O({ value, next: Type.Union([Type.Ref("Node"), Type.Null()]), ...extra }) }, "Node");
const event = (kind: string, extra = {}) => O({ kind: Type.Literal(kind), id: S(), ...extra });

type Row = readonly [name: string, old: unknown, next: unknown, want: ChangeClass, rule?: RuleId, pointer?: string, open?: boolean];

const rows: readonly Row[] = [
  // objects
  ["add an optional property (writers closed)", O({ a: S() }), O({ a: S(), b: Opt(N()) }), "safe-for-rolling-deploy"],
  ["add an optional property (old jobs written open)", O({ a: S() }), O({ a: S(), b: Opt(N()) }), "breaking", "property-added-open", "/b", true],
  ["add a required property", O({ a: S() }), O({ a: S(), b: N() }), "breaking", "required-added", ""],
  ["make an optional property required", O({ a: S(), b: Opt(N()) }), O({ a: S(), b: N() }), "breaking", "required-added", ""],
  ["make a required property optional", O({ a: S(), b: N() }), O({ a: S(), b: Opt(N()) }), "safe-for-waiting-jobs"],
  ["remove an optional property", O({ a: S(), b: Opt(N()) }), O({ a: S() }), "safe-for-rolling-deploy"],
  ["remove a required property", O({ a: S(), b: N() }), O({ a: S() }), "safe-for-waiting-jobs"],
  ["remove a property and refuse unknown keys", O({ a: S(), b: Opt(N()) }), O({ a: S() }, { additionalProperties: false }), "breaking", "property-removed-closed", "/b"],
  ["change a property's type", O({ a: S() }), O({ a: N() }), "breaking", "type-changed", "/a"],
  ["add a required property to a nested object", O({ x: O({ a: S() }) }), O({ x: O({ a: S(), b: S() }) }), "breaking", "required-added", "/x"],
  ["widen a nested property to a union", O({ x: O({ a: S() }) }), O({ x: O({ a: Type.Union([S(), N()]) }) }), "safe-for-waiting-jobs"],
  ["narrow a nested property", O({ x: O({ a: N() }) }), O({ x: O({ a: N({ maximum: 10 }) }) }), "breaking", "maximum-lowered", "/x/a"],
  ["refuse unknown keys (writers closed)", O({ a: S() }), O({ a: S() }, { additionalProperties: false }), "safe-for-rolling-deploy"],
  ["refuse unknown keys (old jobs written open)", O({ a: S() }), O({ a: S() }, { additionalProperties: false }), "breaking", "additional-properties-closed", "/undeclared", true],
  ["allow unknown keys again", O({ a: S() }, { additionalProperties: false }), O({ a: S() }), "safe-for-rolling-deploy"],
  ["narrow what unknown keys may hold", O({ a: S() }, { additionalProperties: N() }), O({ a: S() }, { additionalProperties: I() }), "breaking", "additional-properties-closed", "/undeclared"],
  ["raise minProperties", O({ a: Opt(S()), b: Opt(S()) }), O({ a: Opt(S()), b: Opt(S()) }, { minProperties: 1 }), "breaking", "min-properties-raised", ""],
  ["add maxProperties", O({ a: Opt(S()), b: Opt(S()) }, { additionalProperties: true }), O({ a: Opt(S()), b: Opt(S()) }, { maxProperties: 1 }), "breaking", "max-properties-lowered", ""],
  // arrays
  ["narrow the items' type", O({ list: Type.Array(N()) }), O({ list: Type.Array(I()) }), "breaking", "type-narrowed-to-integer", "/list/0"],
  ["widen the items' type", O({ list: Type.Array(I()) }), O({ list: Type.Array(N()) }), "safe-for-waiting-jobs"],
  ["raise minItems", Type.Array(S()), Type.Array(S(), { minItems: 1 }), "breaking", "min-items-raised", ""],
  ["lower maxItems", Type.Array(S(), { maxItems: 5 }), Type.Array(S(), { maxItems: 2 }), "breaking", "max-items-lowered", ""],
  ["raise maxItems", Type.Array(S(), { maxItems: 2 }), Type.Array(S(), { maxItems: 5 }), "safe-for-waiting-jobs"],
  ["add uniqueItems", Type.Array(S()), Type.Array(S(), { uniqueItems: true }), "breaking", "unique-items-added", ""],
  ["drop uniqueItems", Type.Array(S(), { uniqueItems: true }), Type.Array(S()), "safe-for-waiting-jobs"],
  ["make a property of an item required", Type.Array(O({ a: Opt(S()) })), Type.Array(O({ a: S() })), "breaking", "required-added", "/0"],
  ["add an element to a tuple", Type.Tuple([S()]), Type.Tuple([S(), N()]), "breaking", "min-items-raised", ""],
  ["change a tuple element's type", Type.Tuple([S(), N()]), Type.Tuple([S(), S()]), "breaking", "type-changed", "/1"],
  ["remove an element of a tuple", Type.Tuple([S(), N()]), Type.Tuple([S()]), "breaking", "tuple-changed", "/1"],
  // unions, literals, enums
  ["a string becomes a union of other types", O({ a: S() }), O({ a: Type.Union([N(), Type.Boolean()]) }), "breaking", "union-branch-removed", "/a"],
  ["add a union branch", Type.Union([S(), N()]), Type.Union([S(), N(), Type.Boolean()]), "safe-for-waiting-jobs"],
  ["remove a union branch", Type.Union([S(), N(), Type.Boolean()]), Type.Union([S(), N()]), "breaking", "const-changed", ""],
  ["remove an object branch of a union", Type.Union([event("a"), event("b")]), Type.Union([event("a")]), "breaking", "const-changed", "/kind"],
  ["require a field in one branch of a discriminated union", Type.Union([event("a"), event("b")]), Type.Union([event("a"), event("b", { at: S() })]), "breaking", "required-added", ""],
  ["add a literal to a union", O({ c: Type.Union([Type.Literal("x"), Type.Literal("y")]) }), O({ c: Type.Union([Type.Literal("x"), Type.Literal("y"), Type.Literal("z")]) }), "safe-for-waiting-jobs"],
  ["remove a literal from a union", O({ c: Type.Union([Type.Literal("x"), Type.Literal("y")]) }), O({ c: Type.Union([Type.Literal("x")]) }), "breaking", "const-changed", "/c"],
  ["add an enum value", Type.Enum(["jpeg", "png"]), Type.Enum(["jpeg", "png", "webp"]), "safe-for-waiting-jobs"],
  ["remove an enum value", Type.Enum(["jpeg", "png", "webp"]), Type.Enum(["jpeg", "png"]), "breaking", "const-changed", ""],
  ["change a literal", Type.Literal("v1"), Type.Literal("v2"), "breaking", "const-changed", ""],
  ["narrow a string to a literal", S(), Type.Literal("x"), "breaking", "const-changed", ""],
  ["widen a literal to a string", Type.Literal("x"), S(), "safe-for-waiting-jobs"],
  ["a keyof union gains a key", Type.KeyOf(O({ x: S() })), Type.KeyOf(O({ x: S(), y: S() })), "safe-for-waiting-jobs"],
  // nullable
  ["make a property nullable", O({ a: S() }), O({ a: Type.Union([S(), Type.Null()]) }), "safe-for-waiting-jobs"],
  ["make a nullable property non-null", O({ a: Type.Union([S(), Type.Null()]) }), O({ a: S() }), "breaking", "type-changed", "/a"],
  // records
  ["narrow a record's values", Type.Record(S(), N()), Type.Record(S(), I()), "breaking", "type-narrowed-to-integer", "/undeclared"],
  ["widen a record's values", Type.Record(S(), I()), Type.Record(S(), N()), "safe-for-waiting-jobs"],
  ["change a record's key type", Type.Record(S(), N()), Type.Record(N(), N()), "breaking", "pattern-properties-changed", ""],
  ["a record's values become nullable", Type.Record(S(), S()), Type.Record(S(), Type.Union([S(), Type.Null()])), "safe-for-waiting-jobs"],
  // formats
  ["add a format", S(), S({ format: "email" }), "breaking", "format-added", ""],
  ["remove a format", S({ format: "email" }), S(), "safe-for-waiting-jobs"],
  ["change a format", S({ format: "email" }), S({ format: "uuid" }), "breaking", "format-added", ""],
  // patterns
  ["add a pattern", S(), S({ pattern: "^[a-z]+$" }), "breaking", "pattern-added", ""],
  ["change a pattern", S({ pattern: "^a+$" }), S({ pattern: "^a{1,3}$" }), "breaking", "pattern-changed", ""],
  ["remove a pattern", S({ pattern: "^a+$" }), S(), "safe-for-waiting-jobs"],
  ["edit only the docs of a patterned string", S({ pattern: "^a+$", description: "a's" }), S({ pattern: "^a+$", description: "some a's", title: "A" }), "safe-for-rolling-deploy"],
  // numeric and length bounds
  ["raise a minimum", I({ minimum: 1 }), I({ minimum: 2 }), "breaking", "minimum-raised", ""],
  ["lower a minimum", I({ minimum: 2 }), I({ minimum: 1 }), "safe-for-waiting-jobs"],
  ["lower a maximum", N({ maximum: 100 }), N({ maximum: 10 }), "breaking", "maximum-lowered", ""],
  ["add an exclusive maximum", N({ maximum: 10 }), N({ exclusiveMaximum: 10 }), "breaking", "maximum-lowered", ""],
  ["exclusiveMinimum 0 for minimum 1 on integers", I({ minimum: 1 }), I({ exclusiveMinimum: 0 }), "safe-for-rolling-deploy"],
  ["number to integer", N(), I(), "breaking", "type-narrowed-to-integer", ""],
  ["integer to number", I(), N(), "safe-for-waiting-jobs"],
  ["add multipleOf", I(), I({ multipleOf: 5 }), "breaking", "multiple-of-changed", ""],
  ["multipleOf 4 to 2", I({ multipleOf: 4 }), I({ multipleOf: 2 }), "safe-for-waiting-jobs"],
  ["raise minLength", S(), S({ minLength: 1 }), "breaking", "min-length-raised", ""],
  ["lower maxLength", S({ maxLength: 200 }), S({ maxLength: 100 }), "breaking", "max-length-lowered", ""],
  ["raise maxLength", S({ maxLength: 100 }), S({ maxLength: 200 }), "safe-for-waiting-jobs"],
  // intersections
  ["an intersection written out as one object", Type.Intersect([O({ a: S() }), O({ b: N() })]), O({ a: S(), b: N() }), "safe-for-rolling-deploy"],
  ["a member of an intersection gains a required property", Type.Intersect([O({ a: S() }), O({ b: N() })]), Type.Intersect([O({ a: S() }), O({ b: N(), c: S() })]), "breaking", "required-added", ""],
  ["an intersection becomes a closed object without one member's property", Type.Intersect([O({ a: S() }), O({ b: N() })]), O({ a: S() }, { additionalProperties: false }), "breaking", "property-removed-closed", "/b"],
  // recursive schemas
  ["a recursive schema unchanged but for its docs", node(N()), node(N(), { note: Opt(S({ description: "new" })) }), "safe-for-rolling-deploy"],
  ["a recursive schema's value narrowed", node(N()), node(I()), "breaking", "type-narrowed-to-integer", "/value"],
  ["a recursive schema gains a required field", node(N()), node(N(), { label: S() }), "breaking", "required-added", ""],
  // anything else
  ["any becomes a string", Type.Any(), S(), "breaking", "type-changed", ""],
  ["a string becomes unknown", S(), Type.Unknown(), "safe-for-waiting-jobs"],
  ["the new schema negates", S(), { type: "string", not: { const: "x" } }, "breaking", "not-provable", ""],
  ["the new schema is a oneOf whose branches overlap", S(), { oneOf: [{ type: "string" }, { type: "string", minLength: 3 }] }, "breaking", "one-of-overlap", ""],
  ["a union becomes a oneOf of disjoint branches", Type.Union([event("a"), event("b")]), { oneOf: [json(event("a")), json(event("b"))] }, "safe-for-rolling-deploy"],
  ["the new schema uses a keyword the checker does not model", O({ a: S() }), { ...json(O({ a: S() })) as object, propertyNames: { maxLength: 3 } }, "breaking", "unsupported-keyword", ""],
];

describe("the compatibility check, change by change", () => {
  it("has at least 60 rows, and a row for every rule but type-removed", () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
    const covered = new Set(rows.map((row) => row[4]));
    expect(Object.keys(RULES).filter((rule) => rule !== "type-removed" && !covered.has(rule as RuleId))).toEqual([]);
  });

  it.each(rows)("%s", (_name, old, next, want, rule, pointer, open) => {
    const verdict = verdictOf(old, next, open === true);
    expect(verdict.class).toBe(want);
    if (want === "breaking") expect(verdict.findings.filter((f) => f.guarantee === "waiting").map((f) => [f.rule, f.pointer])).toContainEqual([rule, pointer]);
    if (want === "safe-for-waiting-jobs") expect(verdict.findings.every((f) => f.guarantee === "rolling")).toBe(true);
    const oldWritten = Compile((open === true ? json(old) : closedSchema(json(old) as object)) as never);
    const newDeclared = Compile(json(next) as never);
    const rollingOld = Compile(json(old) as never);
    const rollingNew = Compile(closedSchema(json(next) as object) as never);
    for (const finding of verdict.findings) {
      // A change the checker can decide always comes with a counterexample; an undecidable one may not.
      if (!("undecidable" in RULES[finding.rule])) expect(finding.counterexample, `${finding.rule} at ${finding.pointer}`).toBeDefined();
      if (finding.counterexample === undefined) continue;
      const [accepts, refuses] = finding.guarantee === "waiting" ? [oldWritten, newDeclared] : [rollingNew, rollingOld];
      expect([accepts.Check(finding.counterexample), refuses.Check(finding.counterexample)]).toEqual([true, false]);
    }
  });

  it("reports a type the contract no longer declares while its jobs may wait, unless its versions are drained", () => {
    const lock = lockOf(O({ a: S() }), O({ a: S(), b: Opt(S()) }), false);
    const [gone] = checkCompatibility(lock, new Map());
    expect(gone).toMatchObject({ type: "t", class: "breaking", line: undefined });
    expect(gone!.findings.map((f) => [f.rule, f.against])).toEqual([["type-removed", 1], ["type-removed", 2]]);
    const drained = { types: { t: lock.types.t!.map((v) => ({ ...v, drained: true })) } };
    expect(checkCompatibility(drained, new Map())[0]!.class).toBe("safe-for-rolling-deploy");
  });

  it("leaves out a drained version from the waiting check", () => {
    const lock = lockOf(O({ a: S() }), O({ a: N() }), false);
    const drained = { types: { t: [{ ...lock.types.t![0]!, drained: true }, lock.types.t![1]!] } };
    expect(checkCompatibility(drained, new Map([["t", 1]]))[0]!.findings.every((f) => f.guarantee === "rolling")).toBe(true);
  });
});
