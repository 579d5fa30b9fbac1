/*
 * Templates of the per-job sections of the generated module (markers as in templates/module.ts):
 * `__JOB_NAME__` is the job name (`welcomeEmail`), `__TYPE_NAME__` its PascalCase (`WelcomeEmail`),
 * and ` * @jobs:doc` the entry's JSDoc. The stubs before the first section keep this file valid TypeScript.
 */
import { closedSchema, createJobs, payloadIssues, PayloadValidationError, type Job, type JobType, type Recurrence, type ScheduleOptions, type ValidationIssue } from "typed-jobs";
import type { TSchema } from "typebox";

type __TYPE_NAME__Payload = { stub: true };
type JobPayloads = { __JOB_NAME__: __TYPE_NAME__Payload };
declare const jobs: ReturnType<typeof createJobs<JobPayloads>>;
declare const jobSchemas: { readonly __JOB_NAME__: TSchema };
declare const compiled__TYPE_NAME__: (value: unknown) => boolean;
declare const compiledClosed__TYPE_NAME__: (value: unknown) => boolean;

// @jobs:template validator
// ---------------------------------------------------------------------------
// __JOB_NAME__
// ---------------------------------------------------------------------------

/* @jobs:compiled */

/* @jobs:compiled-closed */
/* @jobs:earlier-versions */

/** True when `value` is a valid __TYPE_NAME__Payload; the compiled check, with no schema interpreted. */
export function is__TYPE_NAME__Payload(value: unknown): value is __TYPE_NAME__Payload {
  return compiled__TYPE_NAME__(value);
}

/** Every way `value` breaks the __JOB_NAME__ payload schema, by JSON pointer; empty when it is valid. */
export function validate__TYPE_NAME__Payload(value: unknown): ValidationIssue[] {
  return compiled__TYPE_NAME__(value) ? [] : payloadIssues(jobSchemas.__JOB_NAME__, value);
}

/** Throws PayloadValidationError listing each failing path unless `value` is a valid __TYPE_NAME__Payload. */
export function assert__TYPE_NAME__Payload(value: unknown): asserts value is __TYPE_NAME__Payload {
  if (!compiled__TYPE_NAME__(value)) throw new PayloadValidationError("__JOB_NAME__.assert", "__JOB_NAME__", payloadIssues(jobSchemas.__JOB_NAME__, value));
}

/**
 * Every way `value` breaks the __JOB_NAME__ payload schema as a schedule call checks it: closed, so a
 * key the schema does not declare is refused too, by its path.
 */
function validateNew__TYPE_NAME__Payload(value: unknown): ValidationIssue[] {
  return compiledClosed__TYPE_NAME__(value) ? [] : payloadIssues(closedSchema(jobSchemas.__JOB_NAME__), value);
}

/** The JSON text of a new __JOB_NAME__ payload, validated first as a schedule call does (PayloadValidationError when invalid). */
export function encode__TYPE_NAME__Payload(payload: __TYPE_NAME__Payload): string {
  if (!compiledClosed__TYPE_NAME__(payload)) throw new PayloadValidationError("__JOB_NAME__.encode", "__JOB_NAME__", validateNew__TYPE_NAME__Payload(payload));
  return JSON.stringify(payload);
}

/** Parses JSON text and validates it; PayloadValidationError when it is not JSON or not a valid payload. */
export function decode__TYPE_NAME__Payload(text: string): __TYPE_NAME__Payload {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PayloadValidationError("__JOB_NAME__.decode", "__JOB_NAME__", [{ path: "", message: `is not JSON: ${reason}`, keyword: "json" }]);
  }
  if (!is__TYPE_NAME__Payload(value)) throw new PayloadValidationError("__JOB_NAME__.decode", "__JOB_NAME__", payloadIssues(jobSchemas.__JOB_NAME__, value));
  return value;
}

/**
 * The __JOB_NAME__ job type as the runtime needs it: schema, hash, contract defaults and validators.
 * @jobs:doc
 */
export const __JOB_NAME__Type: JobType<__TYPE_NAME__Payload> = {
  name: "__JOB_NAME__",
  schemaHash: "__SCHEMA_HASH__",
  /* @jobs:identities */
  schema: jobSchemas.__JOB_NAME__,
  /* @jobs:defaults */
  check: is__TYPE_NAME__Payload,
  errors: validate__TYPE_NAME__Payload,
  checkToWrite: (value: unknown): value is __TYPE_NAME__Payload => compiledClosed__TYPE_NAME__(value),
  errorsToWrite: validateNew__TYPE_NAME__Payload,
};
// @jobs:end

// @jobs:template schedule
/**
 * Schedules one __JOB_NAME__ job. The payload is validated first: an invalid one throws
 * PayloadValidationError and nothing is written.
 * @jobs:doc
 */
export function schedule__TYPE_NAME__(payload: __TYPE_NAME__Payload, options?: ScheduleOptions): Promise<Job<__TYPE_NAME__Payload>> {
  return jobs.schedule("__JOB_NAME__", payload, options);
}

/**
 * Schedules many __JOB_NAME__ jobs in one round trip, with the same options. Every payload is
 * validated first; all are written, or none.
 * @jobs:doc
 */
export function schedule__TYPE_NAME__Bulk(payloads: readonly __TYPE_NAME__Payload[], options?: ScheduleOptions): Promise<Job<__TYPE_NAME__Payload>[]> {
  return jobs.scheduleBulk("__JOB_NAME__", payloads, options);
}

/**
 * Schedules a recurring __JOB_NAME__ job, `{ every: "15m" }` or `{ cron: "0 3 * * *" }`. Give it an
 * `id` so that deploying twice does not schedule it twice.
 * @jobs:doc
 */
export function scheduleRecurring__TYPE_NAME__(payload: __TYPE_NAME__Payload, recurrence: Recurrence, options?: ScheduleOptions): Promise<Job<__TYPE_NAME__Payload>> {
  return jobs.scheduleRecurring("__JOB_NAME__", payload, recurrence, options);
}
// @jobs:end
