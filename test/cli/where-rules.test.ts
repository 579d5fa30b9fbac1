/**
 * The rules `--where` relies on, as pure functions of the package: which paths are sensitive (so
 * refused) and when a payload matches (the bulk-select.lua rule: scalar equality).
 */
import Type from "typebox";
import { describe, expect, it } from "vitest";
import { parsePayloadPath, payloadMatches, schemaHasPath, schemaPathIsSensitive, Sensitive } from "typed-jobs";

describe("--where rules", () => {
  const Card = Type.Object({ last4: Type.String(), number: Sensitive(Type.String()) });
  const schema = Type.Object({
    user: Type.String(),
    secrets: Sensitive(Type.Object({ pin: Type.String() })),
    card: Card,
    cards: Type.Array(Card),
    either: Type.Union([Type.Object({ token: Sensitive(Type.String()) }), Type.Object({ token: Type.Number() })]),
  });

  it("a field is sensitive when it, an object holding it, or any branch that can hold it is marked", () => {
    const sensitive = (path: string): boolean => schemaPathIsSensitive(schema, parsePayloadPath(path, "test"));
    expect(["secrets", "secrets.pin", "card.number", "/card/number", "cards.0.number", "either.token"].filter((p) => !sensitive(p))).toEqual([]);
    expect(["user", "card.last4", "cards.1.last4"].filter(sensitive)).toEqual([]);
  });

  it("follows local $refs to the field they name", () => {
    const withRefs = { type: "object", $defs: { Secret: { type: "string", "x-sensitive": true } }, properties: { key: { $ref: "#/$defs/Secret" }, name: { type: "string" } } };
    expect([schemaHasPath(withRefs, ["key"]), schemaPathIsSensitive(withRefs, ["key"]), schemaPathIsSensitive(withRefs, ["name"])]).toEqual([true, true, false]);
  });

  it("a payload matches when each path holds exactly the scalar: no coercion, null only for null", () => {
    const payload = { n: 300, s: "300", none: null, list: [{ sku: "A" }], obj: { a: 1 } };
    const holds = (path: string, value: string | number | boolean | null): boolean => payloadMatches(payload, [[parsePayloadPath(path, "test"), value]]);
    expect([holds("n", 300), holds("n", "300"), holds("s", "300"), holds("s", 300)]).toEqual([true, false, true, false]);
    expect([holds("none", null), holds("missing", null), holds("list.0.sku", "A"), holds("/list/0/sku", "A"), holds("obj", 1)]).toEqual([true, false, true, true, false]);
  });
});
