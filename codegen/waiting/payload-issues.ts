/**
 * Why a payload fails a schema, issue by issue, as a generated module's `toIssues` reports it
 * (templates/module.ts): verify must name the pointers and keywords a pool's rejection will name.
 * test/e2e/verify-migrate.test.ts compares the two on jobs a real pool rejects.
 */
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";
import { Value } from "typebox/value";
import type { ValidationIssue } from "typed-jobs";

/** A schema's compiled check, and its issues for a value the check refused. */
export interface PayloadValidator {
  readonly check: (value: unknown) => boolean;
  readonly errors: (value: unknown) => ValidationIssue[];
}

/** Compiles `schema` as the generated module does (TypeBox's Compile), the schema as declared (open). */
export function payloadValidator(schema: TSchema): PayloadValidator {
  const compiled = Compile(schema);
  return { check: (value) => compiled.Check(value), errors: (value) => payloadIssues(schema, value) };
}

/**
 * A union no branch matches is one issue at its path, not one more per branch tried; a key a closed
 * object does not declare is one issue at the key's own path.
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
    if (error.keyword === "boolean" && /\/(additional|unevaluated)Properties$/.test(error.schemaPath)) continue;
    const isBranch = unionPaths.has(error.instancePath) && error.keyword !== "anyOf" && error.keyword !== "oneOf";
    const key = `${error.instancePath}\u0000${error.message}`;
    if (isBranch || seen.has(key)) continue;
    seen.add(key);
    issues.push({ path: error.instancePath, message: error.message, keyword: error.keyword });
  }
  return issues;
}
