/**
 * What to write instead of a TypeBox type whose values cannot travel as JSON: a payload is stored
 * and sent as JSON text, so the schema must describe the JSON, not the JavaScript value.
 */
const ALTERNATIVES: Readonly<Record<string, string>> = {
  date: 'Type.String({ format: "date-time" }) for an ISO 8601 string, or Type.Integer() for epoch milliseconds',
  uint8array: 'Type.String({ contentEncoding: "base64" })',
  bigint: 'Type.String({ pattern: "^-?[0-9]+$" }), or Type.Integer() within ±2^53',
  regexp: "Type.String({ pattern: ... })",
  undefined: "Type.Optional(...) on the property, or Type.Null()",
  void: "Type.Null(), or leave the property out",
  symbol: "Type.String()",
  function: "data only: a job carries no code",
  constructor: "data only: a job carries no code",
  promise: "the type of the value it resolves to",
};

/** The JSON-safe way to write TypeBox's `Type.<name>` or a schema `type` of that name, when there is one. */
export function jsonAlternative(name: string): string | undefined {
  const alternative = ALTERNATIVES[name.toLowerCase()];
  return alternative && `use ${alternative}`;
}
