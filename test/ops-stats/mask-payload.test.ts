import Type from "typebox";
import { Compile } from "typebox/compile";
import { describe, expect, it } from "vitest";
import { maskPayload, Sensitive, SENSITIVE_KEYWORD, SENSITIVE_MASK } from "typed-jobs";

// Sensitive() marks a field in the contract; maskPayload() hides every marked value, wherever the
// schema puts it, and leaves the rest (and the original payload) as it was.

const M = SENSITIVE_MASK;

describe("Sensitive()", () => {
  it("annotates the schema with x-sensitive and keeps validation, optionality and the static type", () => {
    const schema = Type.Object({ user: Type.String(), password: Sensitive(Type.String({ minLength: 8 })), otp: Type.Optional(Sensitive(Type.String())), pin: Sensitive(Type.Optional(Type.String())) });
    const json = JSON.parse(JSON.stringify(schema)) as { required: string[]; properties: Record<string, Record<string, unknown>> };
    expect(json.properties.password).toEqual({ type: "string", minLength: 8, [SENSITIVE_KEYWORD]: true });
    expect(json.required).toEqual(["user", "password"]);
    const check = Compile(schema);
    expect(check.Check({ user: "u", password: "12345678" })).toBe(true);
    expect(check.Check({ user: "u", password: "short" })).toBe(false);
    const typed: { user: string; password: string; otp?: string; pin?: string } = check.Parse({ user: "u", password: "12345678" });
    expect(typed.user).toBe("u");
  });
});

describe("maskPayload()", () => {
  it("masks nested objects, array items, tuples and records, and copies the rest", () => {
    const schema = Type.Object({
      user: Type.Object({ name: Type.String(), password: Sensitive(Type.String()), card: Sensitive(Type.Object({ number: Type.String(), cvc: Type.String() })) }),
      tokens: Type.Array(Type.Object({ id: Type.Number(), secret: Sensitive(Type.String()) })),
      keys: Type.Array(Sensitive(Type.String())),
      pair: Type.Tuple([Type.String(), Sensitive(Type.String())]),
      headers: Type.Record(Type.String(), Sensitive(Type.String())),
    });
    const payload = {
      user: { name: "ann", password: "hunter2", card: { number: "4111", cvc: "123" } },
      tokens: [{ id: 1, secret: "a" }, { id: 2, secret: "b" }],
      keys: ["k1", "k2"],
      pair: ["left", "right"],
      headers: { authorization: "Bearer x", cookie: "c" },
    };
    const original = structuredClone(payload);
    expect(maskPayload(schema, payload)).toEqual({
      user: { name: "ann", password: M, card: M },
      tokens: [{ id: 1, secret: M }, { id: 2, secret: M }],
      keys: [M, M],
      pair: ["left", M],
      headers: { authorization: M, cookie: M },
    });
    expect(payload).toEqual(original);
  });

  it("masks a field marked in any branch of anyOf, oneOf or allOf", () => {
    const schema = Type.Object({
      event: Type.Union([
        Type.Object({ kind: Type.Literal("login"), password: Sensitive(Type.String()) }),
        Type.Object({ kind: Type.Literal("apiKey"), key: Sensitive(Type.String()), label: Type.String() }),
      ]),
      both: Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Sensitive(Type.String()) })]),
      oneOf: { oneOf: [{ type: "object", properties: { pin: { type: "string", "x-sensitive": true } } }, { type: "string" }] },
    });
    expect(maskPayload(schema, { event: { kind: "login", password: "p" }, both: { a: "a", b: "b" }, oneOf: { pin: "1234" } })).toEqual({ event: { kind: "login", password: M }, both: { a: "a", b: M }, oneOf: { pin: M } });
    expect(maskPayload(schema, { event: { kind: "apiKey", key: "k", label: "l" }, both: { a: "a" }, oneOf: "plain" })).toEqual({ event: { kind: "apiKey", key: M, label: "l" }, both: { a: "a" }, oneOf: "plain" });
  });

  it("follows $refs, cyclic ones included, and patternProperties and additionalProperties", () => {
    const node = Type.Cyclic({ Node: Type.Object({ secret: Sensitive(Type.String()), next: Type.Optional(Type.Ref("Node")) }) }, "Node");
    expect(maskPayload(node, { secret: "a", next: { secret: "b", next: { secret: "c" } } })).toEqual({ secret: M, next: { secret: M, next: { secret: M } } });
    const pointer = { $defs: { pw: { type: "string", "x-sensitive": true } }, type: "object", properties: { p: { $ref: "#/$defs/pw" } }, patternProperties: { "^key_": { "x-sensitive": true } }, additionalProperties: { type: "object", properties: { token: { "x-sensitive": true } } } };
    expect(maskPayload(pointer, { p: "x", key_a: 1, other: { token: "t", keep: 1 } })).toEqual({ p: M, key_a: M, other: { token: M, keep: 1 } });
  });

  it("leaves a payload that does not fit its schema readable, masking what it can, and copies it without a schema", () => {
    const schema = Type.Object({ password: Sensitive(Type.String()), list: Type.Array(Type.String()) });
    expect(maskPayload(schema, { password: 42, list: "not a list", extra: { password: "kept" } })).toEqual({ password: M, list: "not a list", extra: { password: "kept" } });
    expect(maskPayload(schema, "text")).toBe("text");
    expect(maskPayload(schema, null)).toBe(null);
    const payload = { a: [1] };
    const copy = maskPayload(undefined, payload);
    expect(copy).toEqual(payload);
    expect(copy).not.toBe(payload);
    // A schema that refers to itself without descending stops instead of looping.
    expect(maskPayload({ $ref: "#" }, { a: 1 })).toEqual({ a: 1 });
  });
});
