/**
 * Names derived from a job name. Every generated identifier is made here, so `check` can detect two
 * jobs whose generated names would collide before any text is emitted.
 */

// Which names a job may have is the runtime's rule (jobDefinitionProblems in typed-jobs): letters,
// digits and _, so every name here is a bare property key and part of an identifier.

/** `welcome_email`, `welcomeEmail` and `WelcomeEmail` all become `WelcomeEmail`. */
export function pascalCase(name: string): string {
  return name
    .split(/[_$]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** The identifiers one job contributes to the generated module. */
export function jobIdentifiers(name: string): Record<string, string> {
  const p = pascalCase(name);
  return {
    payload: `${p}Payload`,
    is: `is${p}Payload`,
    validate: `validate${p}Payload`,
    assert: `assert${p}Payload`,
    encode: `encode${p}Payload`,
    decode: `decode${p}Payload`,
    schedule: `schedule${p}`,
    scheduleBulk: `schedule${p}Bulk`,
    scheduleRecurring: `scheduleRecurring${p}`,
    jobType: `${name}Type`,
    compiled: `compiled${p}`,
  };
}

/** Identifiers the module declares once, whatever the contract; a job must not produce one of these. */
export const MODULE_IDENTIFIERS: readonly string[] = [
  "JobPayloads", "JobName", "jobNames", "jobSchemas", "schemaHashes", "jobs", "JobHandlers",
  "CreatePoolOptions", "CreatePoolForOptions", "createPool", "createPoolFor", "findJob",
  "configureJobs", "closeJobs", "payloadIssues",
];
