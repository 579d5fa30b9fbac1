/**
 * Model → diagnostics. Everything the runtime would refuse, and everything that would make the
 * generated module wrong or uncompilable, is refused here, with the line of the offending entry,
 * before any text is emitted.
 */
import { jobDefinitionProblems } from "typed-jobs";
import type { ContractModel, Diagnostic, JobModel } from "./model.js";
import { MODULE_IDENTIFIERS, jobIdentifiers, pascalCase } from "./naming.js";
import { findNonJson } from "./schema-json.js";

/** Every problem of the contract; empty when it can be generated. */
export function checkContract(model: ContractModel): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const report = (job: JobModel | undefined, message: string) => problems.push({ file: model.file, line: job?.line, message });
  if (model.jobs.length === 0) report(undefined, "defineJobs({...}) declares no job types");
  const named: JobModel[] = [];
  for (const job of model.jobs) {
    const messages = checkJob(job);
    for (const message of messages) report(job, message);
    if (usableName(job.name)) named.push(job);
  }
  checkClashes(named, report);
  return problems;
}

/** The problems of one entry on its own: the runtime's rules of a job definition, then the generator's. */
export function checkJob(job: JobModel): string[] {
  const where = `job ${JSON.stringify(job.name)}`;
  const rules = jobDefinitionProblems(job.name, { ...job.defaults, description: job.description });
  const problems = rules.map(({ field, problem }) => `${where}: ${field} ${problem}`);
  if (!rules.some(({ field }) => field === "name") && !usableName(job.name)) {
    problems.push(`${where}: name gives no usable type name (${JSON.stringify(pascalCase(job.name))})`);
  }
  const nonJson = findNonJson(job.schema);
  if (typeof job.schema !== "object" || job.schema === null || Array.isArray(job.schema)) {
    problems.push(`${where}: payload must be a TypeBox schema (an object)`);
  } else if (nonJson) {
    problems.push(`${where}: payload schema at ${nonJson.path || "/"} holds ${nonJson.problem}; a payload schema must be plain JSON Schema`);
  }
  for (const [index, earlier] of (job.earlierSchemas ?? []).entries()) {
    const found = findNonJson(earlier);
    if (found) problems.push(`${where}: payload version ${index + 1} of versions(...) at ${found.path || "/"} holds ${found.problem}; a payload schema must be plain JSON Schema`);
  }
  // The defaults are written into the generated module as literals: only plain JSON comes back
  // from them as the very values the rules above accepted.
  for (const [key, value] of Object.entries(job.defaults)) {
    if (rules.some(({ field }) => field === key || field.startsWith(`${key}.`))) continue;
    const found = nonJsonValue(value, key);
    if (found) problems.push(`${where}: ${found.path} holds ${found.problem}; a default is copied into the generated module, so it must be plain JSON`);
  }
  return problems;
}

/** A name the runtime accepts and that makes a type name: only such jobs are checked for clashes. */
function usableName(name: string): boolean {
  return jobDefinitionProblems(name, {}).length === 0 && /^[A-Za-z]/.test(pascalCase(name));
}

/** The first value under `value` that a JSON literal would not give back as it is. */
function nonJsonValue(value: unknown, path: string): { path: string; problem: string } | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { path, problem: `the number ${value}` };
  if (typeof value !== "object") return { path, problem: value === undefined ? "undefined" : `a ${typeof value}` };
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return { path, problem: `a ${value.constructor?.name ?? "non-plain"} object` };
  const keys = Reflect.ownKeys(value).filter((key) => !(Array.isArray(value) && key === "length"));
  for (const key of keys) {
    const at = Array.isArray(value) ? `${path}[${String(key)}]` : `${path}.${String(key)}`;
    if (typeof key === "symbol" || !Object.prototype.propertyIsEnumerable.call(value, key)) return { path: at, problem: "a hidden or symbol key" };
    const found = nonJsonValue((value as Record<string, unknown>)[key], at);
    if (found) return found;
  }
  return undefined;
}

/**
 * Two jobs that would declare the same identifier: `welcome_email` and `welcomeEmail` (both
 * `WelcomeEmail`), or `x` and `xBulk` (both `scheduleXBulk`). Reported at the later entry.
 */
function checkClashes(jobs: readonly JobModel[], report: (job: JobModel, message: string) => void): void {
  const owners = new Map<string, string>(MODULE_IDENTIFIERS.map((id) => [id, "the generated module itself"]));
  const byPascal = new Map<string, JobModel>();
  for (const job of jobs) {
    const earlier = byPascal.get(pascalCase(job.name));
    if (earlier) {
      report(job, `job names ${JSON.stringify(earlier.name)} (line ${earlier.line}) and ${JSON.stringify(job.name)} clash: both become ${pascalCase(job.name)}`);
      continue;
    }
    byPascal.set(pascalCase(job.name), job);
    for (const id of Object.values(jobIdentifiers(job.name))) {
      const owner = owners.get(id);
      if (owner) report(job, `job ${JSON.stringify(job.name)} would declare ${id}, which ${owner} declares too; rename one of them`);
      else owners.set(id, `job ${JSON.stringify(job.name)}`);
    }
  }
}
