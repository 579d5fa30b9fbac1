import { PayloadValidationError, type ValidationIssue } from "../errors.js";
import { migratePayload, type MigratingType } from "./migrate-payload.js";

/** A payload as read from a record: parsed, or why it could not be. */
export type ParsedPayload = { readonly value: unknown } | { readonly error: unknown };

/** The part of a job type a pool checks a claimed payload with. */
export interface AdmittingType extends MigratingType {
  /** The identity of the type's newest version: jobs stamped with it are validated, never migrated. */
  readonly schemaHash: string;
}

/** The payload a handler would get (`migrated` when it went through the steps), or why the job is rejected. */
export type Admission = { readonly value: unknown; readonly migrated: boolean } | PayloadValidationError;

/**
 * What a pool does with a claimed job's payload, and what `jobs-gen verify` predicts with: one
 * stamped with an earlier version's identity is validated against that version and migrated
 * (migratePayload); any other is validated against the schema as declared (open). A payload that is
 * not JSON, or a validator that throws (a payload nested thousands deep), rejects the job too.
 */
export function admitPayload(type: AdmittingType, identity: string | undefined, payload: ParsedPayload): Admission {
  if ("error" in payload) {
    const { error } = payload;
    const why = error instanceof SyntaxError ? "payload is not valid JSON" : `payload cannot be parsed: ${(error as Error).message}`;
    return new PayloadValidationError("pool.validate", type.name, [{ path: "", message: why }]);
  }
  const { value } = payload;
  try {
    // Jobs of the newest version pay this one comparison; an earlier version's are migrated.
    if (identity !== type.schemaHash && type.earlierVersions !== undefined) {
      const migrated = migratePayload(type, identity, value);
      if (migrated instanceof PayloadValidationError) return migrated;
      if (migrated) return { value: migrated.value, migrated: true };
    }
    if (type.check(value)) return { value, migrated: false };
    const issues: ValidationIssue[] = type.errors(value);
    return new PayloadValidationError("pool.validate", type.name, issues.length ? issues : [{ path: "", message: "does not match the schema" }]);
  } catch (error) {
    return new PayloadValidationError("pool.validate", type.name, [{ path: "", message: `payload cannot be validated: ${(error as Error).message}` }]);
  }
}
