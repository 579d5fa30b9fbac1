/**
 * A payload's validator as a generated module builds it (compiled check, then the runtime's
 * payloadIssues): verify must name the pointers and keywords a pool's rejection will name.
 * test/e2e/verify-migrate.test.ts compares the two on jobs a real pool rejects.
 */
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";
import { payloadIssues, type ValidationIssue } from "typed-jobs";

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
