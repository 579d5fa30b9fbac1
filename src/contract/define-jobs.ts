import type { TSchema } from "typebox";
import type { BackoffOption } from "../options/backoff.js";
import type { Duration } from "../options/duration.js";

/** One job type in a contract: its payload schema and the defaults every job of it gets. */
export interface JobDefinition<S extends TSchema = TSchema> {
  /** TypeBox schema of the payload; it must be plain JSON Schema (no functions, Date or undefined). */
  readonly payload: S;
  /** Retries after the first failed attempt, an integer from 0 to 1000. Default 0. */
  readonly retries?: number;
  /** Higher runs first; an integer from -1024 to 1023. Default 0. */
  readonly priority?: number;
  /** Delay before each retry. Default exponential with jitter from 1 s, capped at 1 h. */
  readonly backoff?: BackoffOption;
  /** An attempt running longer fails with JobTimeoutError (and its AbortSignal fires); at most 2^31-1 ms (about 24.8 days). Default: none. */
  readonly timeout?: Duration;
  /** Shown in generated docs when the entry has no JSDoc of its own. */
  readonly description?: string;
}

export type JobDefinitions = { readonly [name: string]: JobDefinition };

/**
 * Declares every job type of an application: the default export of `jobs.schema.ts`, read by
 * `jobs-gen`. Job names are letters, digits and _, not starting with a digit; jobs-gen refuses an
 * entry that breaks a rule of jobDefinitionProblems, as createJobs would. It returns its argument unchanged, typed exactly, so the generator and editors see
 * each schema's static type.
 */
export function defineJobs<const D extends JobDefinitions>(definitions: D): D {
  return definitions;
}
