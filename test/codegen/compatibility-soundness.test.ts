/**
 * Soundness of the compatibility check, by property: for random pairs of schemas (shaped like what
 * TypeBox emits), whenever the checker says every old payload passes the new schema, values drawn
 * from the old schema pass the new one's compiled validator; whenever it reports a counterexample,
 * the old validator accepts it and the new one refuses it. Seeded and bounded in time.
 */
import fc from "fast-check";
import { Compile } from "typebox/compile";
import { describe, expect, it } from "vitest";
import { differences } from "../../codegen/evolution/contain.js";
import { findCounterexample } from "../../codegen/evolution/counterexample.js";
import { sampleValue, seededRng } from "../../codegen/evolution/sample.js";
import type { JsonValue } from "../../codegen/model.js";
import { validValue } from "../contract/schema-arbitrary.js";

type Schema = { [key: string]: JsonValue };

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const defined = (record: Record<string, JsonValue | undefined>): Schema => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Schema;

const stringSchema = fc
  .record({ minLength: optional(fc.integer({ min: 0, max: 3 })), maxLength: optional(fc.integer({ min: 3, max: 8 })), format: optional(fc.constantFrom("email", "uuid", "date")), pattern: optional(fc.constantFrom("^a+$", "^[ab]*$", "^a{1,3}$", "^[0-9]+$")) })
  .map((r) => defined({ type: "string", ...r }));
const numberSchema = fc
  .record({ type: fc.constantFrom("number", "integer"), minimum: optional(fc.integer({ min: -5, max: 5 })), maximum: optional(fc.integer({ min: 5, max: 20 })), exclusiveMinimum: optional(fc.integer({ min: -6, max: 4 })), multipleOf: optional(fc.constantFrom(1, 2, 3, 4, 0.5)) })
  .map((r) => defined(r));
const literalSchema = fc.oneof(
  fc.constantFrom<JsonValue>("a", "b", 1, 2, true).map((c): Schema => ({ const: c })),
  fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 3 }).map((e): Schema => ({ enum: e })),
);
const leaf: fc.Arbitrary<Schema> = fc.oneof(stringSchema, numberSchema, literalSchema, fc.constantFrom<Schema>({ type: "boolean" }, { type: "null" }, {}));

const { schema } = fc.letrec<{ schema: Schema; object: Schema; array: Schema; union: Schema }>((tie) => ({
  schema: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("object"), tie("array"), tie("union")),
  object: fc
    .record({
      properties: fc.dictionary(fc.constantFrom("a", "b", "c"), tie("schema"), { minKeys: 1, maxKeys: 3 }),
      required: fc.subarray(["a", "b", "c"]),
      additionalProperties: optional(fc.oneof(fc.constant<JsonValue>(false), tie("schema"))),
      minProperties: optional(fc.integer({ min: 0, max: 2 })),
    })
    .map((r) => defined({ type: "object", ...r, required: r.required.filter((k) => k in r.properties) })),
  array: fc
    .record({ items: tie("schema"), minItems: optional(fc.integer({ min: 0, max: 2 })), maxItems: optional(fc.integer({ min: 2, max: 4 })), uniqueItems: optional(fc.constant(true)) })
    .map((r) => defined({ type: "array", ...r })),
  union: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }).map((branches): Schema => ({ anyOf: branches })),
}));

/** A copy of `s` with one keyword changed, dropped or added somewhere: pairs that are often close. */
function mutate(s: Schema): fc.Arbitrary<Schema> {
  const children = ["properties", "items", "anyOf", "additionalProperties"].filter((k) => typeof s[k] === "object" && s[k] !== null);
  const tweaks: fc.Arbitrary<Schema>[] = [
    schema,
    fc.constantFrom("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "multipleOf", "required", "format", "pattern", "additionalProperties", "uniqueItems", "exclusiveMinimum").map((key) => {
      const copy: Schema = { ...s };
      delete copy[key];
      return copy;
    }),
    fc.record({ key: fc.constantFrom("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"), value: fc.integer({ min: 0, max: 9 }) }).map(({ key, value }) => ({ ...s, [key]: value })),
  ];
  if (children.length > 0) {
    tweaks.push(
      fc.constantFrom(...children).chain((key) => {
        const child = s[key]!;
        if (Array.isArray(child)) return fc.integer({ min: 0, max: child.length - 1 }).chain((i) => mutate(child[i] as Schema).map((m) => ({ ...s, [key]: child.map((c, j) => (j === i ? m : c)) })));
        if (key === "properties") {
          const entries = Object.keys(child as Schema);
          return fc.constantFrom(...entries).chain((name) => mutate((child as Schema)[name] as Schema).map((m) => ({ ...s, properties: { ...(child as Schema), [name]: m } })));
        }
        return typeof child === "object" ? mutate(child as Schema).map((m) => ({ ...s, [key]: m })) : fc.constant(s);
      }),
    );
  }
  return fc.oneof(...tweaks);
}

const pairs = fc.oneof(fc.tuple(schema, schema), schema.chain((s) => fc.tuple(fc.constant(s), mutate(s))));

describe("the compatibility check is sound", () => {
  it("says contained only when old values pass the new schema, and its counterexamples separate the validators", () => {
    let contained = 0;
    let separated = 0;
    fc.assert(
      fc.property(pairs, fc.integer({ min: 1, max: 2 ** 30 }), ([oldSchema, newSchema], seed) => {
        let oldCheck: (v: unknown) => boolean;
        let newCheck: (v: unknown) => boolean;
        try {
          const a = Compile(oldSchema as never);
          const b = Compile(newSchema as never);
          oldCheck = (v) => a.Check(v);
          newCheck = (v) => b.Check(v);
        } catch {
          return; // a pair TypeBox cannot compile says nothing about the checker
        }
        const found = differences(oldSchema, newSchema);
        if (found.length === 0) {
          contained++;
          const rng = seededRng(seed);
          const drawn = [...fc.sample(validValue(oldSchema), { seed, numRuns: 30 }), ...Array.from({ length: 30 }, () => sampleValue(oldSchema, oldSchema, rng))];
          for (const value of drawn) if (oldCheck(value)) expect(newCheck(value), `${JSON.stringify(value)} passes ${JSON.stringify(oldSchema)}, not ${JSON.stringify(newSchema)}`).toBe(true);
          return;
        }
        for (const difference of found) {
          const counterexample = findCounterexample(difference, oldSchema, newSchema, seed);
          if (counterexample === undefined) continue;
          separated++;
          expect([oldCheck(counterexample), newCheck(counterexample)]).toEqual([true, false]);
        }
      }),
      { seed: 20261204, numRuns: 600, interruptAfterTimeLimit: 15_000 },
    );
    expect(contained).toBeGreaterThan(20);
    expect(separated).toBeGreaterThan(20);
  }, 60_000);
});
