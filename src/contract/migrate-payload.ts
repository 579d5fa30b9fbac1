import { PayloadValidationError, type ValidationIssue } from "../errors.js";
import type { MigrationStep } from "./versions.js";

/** One earlier version of a type's payload, as a generated module gives it to the runtime. */
export interface EarlierPayloadVersion {
  /** Its number in the contract's lock. */
  readonly version: number;
  /** Every identity its jobs may carry: the lock's, and the hashes stamped before the lock existed. */
  readonly identities: readonly string[];
  readonly check: (value: unknown) => boolean;
  readonly errors: (value: unknown) => ValidationIssue[];
  /** The step from this version to the next one (the following entry, or the type's newest). */
  readonly step: MigrationStep;
}

/** The part of a job type migration reads. */
export interface MigratingType {
  readonly name: string;
  readonly version?: number;
  readonly check: (value: unknown) => boolean;
  readonly errors: (value: unknown) => ValidationIssue[];
  readonly earlierVersions?: readonly EarlierPayloadVersion[];
}

/**
 * A payload stamped with an earlier version's identity, validated against that version, run through
 * each step to the newest and validated against it. Undefined when the identity is not one of the
 * earlier versions (the caller validates as usual). Any failure is a PayloadValidationError naming
 * the version, or the step, so the job ends rejected with a reason.
 */
export function migratePayload(type: MigratingType, identity: string | undefined, value: unknown): { readonly value: unknown } | PayloadValidationError | undefined {
  const earlier = type.earlierVersions ?? [];
  const start = identity === undefined ? -1 : earlier.findIndex((v) => v.identities.includes(identity));
  if (start < 0) return undefined;
  const from = earlier[start]!;
  if (!from.check(value)) return new PayloadValidationError("pool.migrate", type.name, prefixed(from.errors(value), `as v${from.version}`));
  let current = value;
  for (let i = start; i < earlier.length; i++) {
    const to = earlier[i + 1]?.version ?? type.version;
    try {
      current = earlier[i]!.step(current as never);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return new PayloadValidationError("pool.migrate", type.name, [{ path: "", message: `the migration step from v${earlier[i]!.version} to v${to} refused it: ${reason}`, keyword: "migration" }]);
    }
  }
  if (!type.check(current)) return new PayloadValidationError("pool.migrate", type.name, prefixed(type.errors(current), `migrated from v${from.version} to v${type.version}`));
  return { value: current };
}

function prefixed(issues: readonly ValidationIssue[], context: string): ValidationIssue[] {
  const list = issues.length > 0 ? issues : [{ path: "", message: "does not match the schema" }];
  return list.map((issue) => ({ ...issue, message: `${context}: ${issue.message}` }));
}
