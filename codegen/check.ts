/**
 * Model → diagnostics. Everything that would make the generated module wrong or uncompilable is
 * refused here, with the line of the offending entry, before any text is emitted.
 */
import type { ContractModel, Diagnostic, JobModel } from "./model.js";
import { MODULE_IDENTIFIERS, isIdentifier, jobIdentifiers, pascalCase } from "./naming.js";
import { findNonJson } from "./schema-json.js";

/** Every problem of the contract; empty when it can be generated. */
export function checkContract(model: ContractModel): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const report = (job: JobModel | undefined, message: string) => problems.push({ file: model.file, line: job?.line, message });
  if (model.jobs.length === 0) report(undefined, "defineJobs({...}) declares no job types");
  for (const job of model.jobs) {
    for (const message of checkJob(job)) report(job, message);
  }
  checkClashes(model.jobs, report);
  return problems;
}

/** The problems of one entry on its own. */
export function checkJob(job: JobModel): string[] {
  const problems: string[] = [];
  if (!isIdentifier(job.name)) {
    problems.push(`job name ${JSON.stringify(job.name)} is not an identifier (letters, digits, _ and $, not starting with a digit)`);
  } else if (!/^[A-Za-z]/.test(pascalCase(job.name))) {
    problems.push(`job name ${JSON.stringify(job.name)} gives no usable type name (${JSON.stringify(pascalCase(job.name))})`);
  }
  const nonJson = findNonJson(job.schema);
  if (typeof job.schema !== "object" || job.schema === null || Array.isArray(job.schema)) {
    problems.push(`job ${JSON.stringify(job.name)}: payload must be a TypeBox schema (an object)`);
  } else if (nonJson) {
    problems.push(`job ${JSON.stringify(job.name)}: payload schema at ${nonJson.path || "/"} holds ${nonJson.problem}; a payload schema must be plain JSON Schema`);
  }
  problems.push(...checkDefaults(job));
  return problems;
}

function checkDefaults(job: JobModel): string[] {
  const { retries, priority, timeout } = job.defaults;
  const problems: string[] = [];
  const where = `job ${JSON.stringify(job.name)}`;
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) problems.push(`${where}: retries must be an integer >= 0, got ${String(retries)}`);
  if (priority !== undefined && !(Number.isInteger(priority) && priority >= -1024 && priority <= 1023)) {
    problems.push(`${where}: priority must be an integer from -1024 to 1023, got ${String(priority)}`);
  }
  if (timeout !== undefined && typeof timeout !== "number" && typeof timeout !== "string") problems.push(`${where}: timeout must be milliseconds or a duration string`);
  return problems;
}

/**
 * Two jobs that would declare the same identifier: `welcome_email` and `welcomeEmail` (both
 * `WelcomeEmail`), or `x` and `xBulk` (both `scheduleXBulk`). Reported at the later entry.
 */
function checkClashes(jobs: readonly JobModel[], report: (job: JobModel, message: string) => void): void {
  const owners = new Map<string, string>(MODULE_IDENTIFIERS.map((id) => [id, "the generated module itself"]));
  const byPascal = new Map<string, JobModel>();
  for (const job of jobs) {
    if (!isIdentifier(job.name)) continue;
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
