import type { TSchema } from "typebox";
import { Value } from "typebox/value";
import type { ValidationIssue } from "../errors.js";

/**
 * Why a value fails a schema, as a generated module and `jobs-gen verify` report it; interprets the
 * schema, so it runs only after a compiled check said no.
 * A union that no branch matches is one issue at its path, not one more per branch tried; a key a
 * closed object does not declare is one issue at the key's own path.
 */
export function payloadIssues(schema: TSchema, value: unknown): ValidationIssue[] {
  const errors = Value.Errors(schema, value);
  const unionPaths = new Set(errors.filter((error) => error.keyword === "anyOf" || error.keyword === "oneOf").map((error) => error.instancePath));
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") {
      const keys = (error.params as Record<string, unknown>)[error.keyword];
      for (const key of Array.isArray(keys) ? keys : []) {
        const path = `${error.instancePath}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;
        if (!seen.has(`${path}\u0000unknown`)) issues.push({ path, message: "is not a property the schema declares", keyword: error.keyword });
        seen.add(`${path}\u0000unknown`);
      }
      continue;
    }
    // The same undeclared key again, as the `false` schema it met; reported above.
    if (error.keyword === "boolean" && /\/(additional|unevaluated)Properties$/.test(error.schemaPath)) continue;
    const isBranch = unionPaths.has(error.instancePath) && error.keyword !== "anyOf" && error.keyword !== "oneOf";
    const key = `${error.instancePath}\u0000${error.message}`;
    if (isBranch || seen.has(key)) continue;
    seen.add(key);
    issues.push({ path: error.instancePath, message: error.message, keyword: error.keyword });
  }
  return issues;
}
