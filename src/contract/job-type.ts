import type { ValidationIssue } from "../errors.js";
import type { EarlierPayloadVersion } from "./migrate-payload.js";
import type { BackoffOption } from "../options/backoff.js";
import type { Duration } from "../options/duration.js";

/**
 * What the runtime needs to know of one job type; generated code builds one per type from the
 * contract, with its validator compiled ahead of time.
 */
export interface JobType<P> {
  readonly name: string;
  /** Hash of the payload's JSON Schema, stamped on every job so tools can tell which contract wrote it. */
  readonly schemaHash: string;
  /**
   * Every identity a job of this type may carry that this build can run (each version in the lock
   * and its legacy hashes), newest first. A pool leaves jobs stamped with any other for a pool that
   * knows them (docs/contract-evolution.md, rolling deploys). Absent (a module generated before
   * identities were listed): every identity counts as known.
   */
  readonly identities?: readonly string[];
  /** The payload's JSON Schema. */
  readonly schema: object;
  readonly retries?: number;
  readonly priority?: number;
  readonly backoff?: BackoffOption;
  readonly timeout?: Duration;
  /** True when the value satisfies the schema; the fast path, run on every schedule and claim. */
  readonly check: (value: unknown) => value is P;
  /** Why the value fails the schema; called only after check returned false. */
  readonly errors: (value: unknown) => ValidationIssue[];
  /**
   * The check a schedule call runs instead of `check`: the schema closed (closedSchema), so a new job
   * never carries a key its schema does not declare. Pools run `check`, the schema as declared.
   */
  readonly checkToWrite?: (value: unknown) => value is P;
  /** Why the value fails checkToWrite, a key the schema does not declare named by its path. */
  readonly errorsToWrite?: (value: unknown) => ValidationIssue[];
  /** The payload's version in the contract's lock; set with earlierVersions. */
  readonly version?: number;
  /**
   * The payload's earlier versions (declared with `versions(...)`), oldest first: a job stamped with
   * one of their identities is validated against it and migrated to this version before it runs.
   */
  readonly earlierVersions?: readonly EarlierPayloadVersion[];
}

/** Job types by name; the map a contract's generated module passes to createJobs. */
export type JobTypes<M> = { readonly [K in keyof M]: JobType<M[K]> };
