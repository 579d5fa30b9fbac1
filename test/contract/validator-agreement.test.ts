/**
 * The AOT validators of the generated example module agree with TypeBox's own `Value.Check` on the
 * original schemas, for payloads shaped like each schema and for mutations of them; and the
 * encoders, decoders and error lists behave on both kinds.
 */
import fc from "fast-check";
import { Value } from "typebox/value";
import { PayloadValidationError } from "typed-jobs";
import { describe, expect, it } from "vitest";
import * as generated from "../../jobs.generated.js";
import contract from "../../jobs.schema.js";
import { mutated, validValue } from "./schema-arbitrary.js";

type Guard = (value: unknown) => boolean;
const names = Object.keys(contract).sort() as (keyof typeof contract)[];
const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const fn = <T>(name: string): T => (generated as unknown as Record<string, T>)[name]!;

describe.each(names)("%s", (name) => {
  const schema = contract[name].payload;
  const isValid = fn<Guard>(`is${pascal(name)}Payload`);
  const validate = fn<(value: unknown) => unknown[]>(`validate${pascal(name)}Payload`);
  const encode = fn<(value: unknown) => string>(`encode${pascal(name)}Payload`);
  const decode = fn<(text: string) => unknown>(`decode${pascal(name)}Payload`);
  const arbitrary = validValue(JSON.parse(JSON.stringify(schema)));

  it("accepts what Value.Check accepts, on payloads shaped like the schema", () => {
    let valid = 0;
    fc.assert(
      fc.property(arbitrary, (value) => {
        const want = Value.Check(schema, value);
        if (want) valid++;
        expect(isValid(value)).toBe(want);
        expect(validate(value).length === 0).toBe(want);
      }),
      { numRuns: 300 },
    );
    expect(valid).toBeGreaterThan(150);
  });

  it("rejects what Value.Check rejects, on mutated payloads", () => {
    let invalid = 0;
    fc.assert(
      fc.property(arbitrary.chain(mutated), (value) => {
        const want = Value.Check(schema, value);
        if (!want) invalid++;
        expect(isValid(value)).toBe(want);
        expect(validate(value).length > 0).toBe(!want);
      }),
      { numRuns: 500 },
    );
    expect(invalid).toBeGreaterThan(250);
  });

  it("round-trips valid payloads through encode/decode and refuses invalid ones", () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        fc.pre(Value.Check(schema, value));
        expect(decode(encode(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 100 },
    );
    expect(() => decode("{not json")).toThrow(PayloadValidationError);
    expect(() => encode({ surely: "not valid" })).toThrow(/payload is invalid at/);
  });
});
