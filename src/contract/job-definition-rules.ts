/**
 * The rules of one job definition, in one place: jobs-gen refuses a contract entry that breaks one
 * (with its file and line), and createJobs refuses such a job type. Each rule is the check a schedule
 * call applies to the same option, run here on the type's default, so neither can accept what the
 * other refuses.
 */
import { InvalidJobTypeError, InvalidOptionError } from "../errors.js";
import { encodeBackoff, type BackoffOption } from "../options/backoff.js";
import { checkPriority, checkRetries } from "../options/priority-retries.js";
import { timeoutMs } from "../options/timeout.js";
import { typeNameProblem } from "../options/type-name.js";
import type { Duration } from "../options/duration.js";
import type { JobType } from "./job-type.js";

/** One broken rule: the field ("name", "retries", "backoff.delay"...) and what is wrong with it. */
export interface JobDefinitionProblem {
  readonly field: string;
  readonly problem: string;
}

/**
 * The fields of a definition the rules read, as a contract entry (JobDefinition) or a job type
 * (JobType) holds them; unknown, since they come from user code that a type checker may not have seen.
 */
export interface DefinitionFields {
  readonly retries?: unknown;
  readonly priority?: unknown;
  readonly backoff?: unknown;
  readonly timeout?: unknown;
  readonly description?: unknown;
}

const OP = "defineJobs";

// A field left undefined takes the runtime's default and is not checked.
const FIELD_RULES: readonly (readonly [keyof DefinitionFields, (value: unknown) => unknown])[] = [
  ["retries", (value) => checkRetries(value, OP)],
  ["priority", (value) => checkPriority(value, OP)],
  ["backoff", (value) => encodeBackoff(value as BackoffOption, OP)],
  ["timeout", (value) => timeoutMs(value as Duration, OP)],
  ["description", (value) => {
    if (typeof value !== "string") throw new InvalidOptionError(OP, "description", `must be a string, got ${typeof value}`);
  }],
];

/** Every rule the definition of job type `name` breaks; empty when the runtime accepts it. */
export function jobDefinitionProblems(name: unknown, definition: DefinitionFields): JobDefinitionProblem[] {
  const problems: JobDefinitionProblem[] = [];
  const nameProblem = typeNameProblem(name);
  if (nameProblem !== undefined) problems.push({ field: "name", problem: nameProblem });
  for (const [field, rule] of FIELD_RULES) {
    const value = definition[field];
    if (value === undefined) continue;
    try {
      rule(value);
    } catch (error) {
      if (!(error instanceof InvalidOptionError)) throw error;
      problems.push({ field: error.option, problem: error.problem });
    }
  }
  return problems;
}

/** Throws InvalidJobTypeError for the first job type that breaks a rule, or whose name differs from its key. */
export function assertJobTypes(types: Readonly<Record<string, JobType<unknown>>>, op: string): void {
  for (const [key, jobType] of Object.entries(types)) {
    if (typeof jobType !== "object" || jobType === null) throw new InvalidJobTypeError(op, key, [{ field: "definition", problem: "must be a job type object" }]);
    const problems = jobDefinitionProblems(key, jobType);
    if (jobType.name !== key) problems.push({ field: "name", problem: `must be ${JSON.stringify(key)}, the key it is given under; got ${JSON.stringify(jobType.name)}` });
    if (problems.length > 0) throw new InvalidJobTypeError(op, key, problems);
  }
}
