/**
 * The pipeline, read → check → record in the lock → emit, with no file written: the CLI, `--check`,
 * `--watch` and the tests all call this, so they can never disagree about what the module should be.
 */
import { relative, resolve, sep } from "node:path";
import { checkContract } from "./check.js";
import { emitContext } from "./emit-context.js";
import { emitModule } from "./emit-module.js";
import { earlierVersions, type EarlierVersion } from "./evolution/chain.js";
import { lockPathFor, readLock, updateLock, type ContractLock, type LockChange } from "./evolution/lock-file.js";
import type { ContractModel, Diagnostic } from "./model.js";
import { readContract } from "./read.js";
import { toJson } from "./schema-json.js";

export type GenerateResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly jobCount: number;
      /** The lock before this run (undefined when there was none) and after it. */
      readonly previousLock: ContractLock | undefined;
      readonly lock: ContractLock;
      readonly lockChanges: readonly LockChange[];
      /** The schema file as diagnostics name it, and the line of each job type's entry. */
      readonly schemaFile: string;
      readonly declared: ReadonlyMap<string, number>;
      /** Per type declared with versions(...), the lock versions its migrations cover. */
      readonly migrated: ReadonlyMap<string, ReadonlySet<number>>;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Checks a model, records it in the lock and emits its module; the stage tests use to skip reading files. */
export function generateFromModel(model: ContractModel, previousLock?: ContractLock): GenerateResult {
  const diagnostics = checkContract(model);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const { lock, changes } = updateLock(previousLock, model.jobs.map((job) => ({ name: job.name, schema: toJson(job.schema) })));
  const chains = new Map<string, EarlierVersion[]>();
  const problems: Diagnostic[] = [];
  for (const job of model.jobs) {
    if (!job.earlierSchemas || job.earlierSchemas.length === 0) continue;
    const mapped = earlierVersions(lock, job.name, job.earlierSchemas.map(toJson));
    if (typeof mapped === "string") problems.push({ file: model.file, line: job.line, message: `job ${JSON.stringify(job.name)}: ${mapped}` });
    else chains.set(job.name, mapped);
  }
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  const declared = new Map(model.jobs.map((job) => [job.name, job.line]));
  const migrated = new Map([...chains].map(([type, chain]) => [type, new Set(chain.flatMap((v) => v.covers))]));
  return { ok: true, text: emitModule(emitContext(model, lock, chains)), jobCount: model.jobs.length, previousLock, lock, lockChanges: changes, schemaFile: model.file, declared, migrated };
}

/** Reads the contract at `schemaPath` and its lock (jobs.lock.json beside it), and generates the module meant for `outPath`. */
export async function generate(schemaPath: string, outPath: string, cwd = process.cwd(), lockPath = lockPathFor(resolve(cwd, schemaPath))): Promise<GenerateResult> {
  const read = await readContract(schemaPath, outPath, cwd);
  if (!read.model) return { ok: false, diagnostics: read.diagnostics };
  const lock = readLock(lockPath);
  if (lock.problem !== undefined) return { ok: false, diagnostics: [{ file: displayPath(lockPath, cwd), line: undefined, message: `the contract lock ${lock.problem}` }] };
  return generateFromModel(read.model, lock.lock);
}

function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel.startsWith("..") ? abs : rel.split(sep).join("/");
}
