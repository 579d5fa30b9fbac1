/**
 * The generator's model: plain data read from a contract (`jobs.schema.ts`), so every later stage
 * (check, emit) is a pure function that a test can feed with a hand-built model.
 */

/** A JSON value, as a schema must be to travel in the generated module and to other languages. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The per-type defaults of a contract entry as the loaded schema module holds them (unknown: user
 * code); copied into the generated JobType once `check` has found them JSON and accepted by the
 * runtime's rules, so the runtime gets exactly the values that were checked.
 */
export interface JobDefaults {
  readonly retries?: unknown;
  readonly priority?: unknown;
  readonly backoff?: unknown;
  readonly timeout?: unknown;
}

/** One contract entry. */
export interface JobModel {
  /** The key in `defineJobs({...})`, e.g. "welcomeEmail". */
  readonly name: string;
  /** 1-based line of the entry in the schema file, for diagnostics. */
  readonly line: number;
  /** The entry's JSDoc text (without comment markers), else its `description`, else undefined. */
  readonly doc: string | undefined;
  /** The entry's `description` as loaded, for `check` (which refuses one that is not a string). */
  readonly description?: unknown;
  /** The payload's JSON Schema as loaded; `check` refuses values that are not JSON. */
  readonly schema: unknown;
  /** The earlier payload versions declared with `versions(...)`, oldest first (the newest is `schema`). */
  readonly earlierSchemas?: readonly unknown[];
  readonly defaults: JobDefaults;
}

/** A whole contract: where it came from and its entries in source order. */
export interface ContractModel {
  /** Path of the schema file as shown in diagnostics (relative to the working directory). */
  readonly file: string;
  /** Path of the schema file relative to the generated module, shown in its header. */
  readonly sourceName: string;
  readonly jobs: readonly JobModel[];
}

/** A problem that stops generation, reported as `file:line: message`. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number | undefined;
  readonly message: string;
}

/** Renders a diagnostic the way compilers do, so editors and CI logs can link it. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}${d.line === undefined ? "" : `:${d.line}`}: error: ${d.message}`;
}
