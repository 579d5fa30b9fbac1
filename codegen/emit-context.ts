/**
 * What every emitter receives: the model made ready to print (jobs sorted by name, schemas as plain
 * JSON, hashes and type names computed once), passed explicitly so each emitter is a pure function.
 */
import type { EarlierVersion } from "./evolution/chain.js";
import { newestVersion, updateLock, type ContractLock } from "./evolution/lock-file.js";
import type { ContractModel, JobDefaults, JsonValue } from "./model.js";
import { pascalCase } from "./naming.js";
import { toJson } from "./schema-json.js";

/** One job, ready to print. */
export interface EmitJob {
  readonly name: string;
  /** PascalCase of the name: `WelcomeEmail`. */
  readonly typeName: string;
  readonly doc: string | undefined;
  readonly schema: JsonValue;
  /** The identity of the type's newest version in the lock: stamped on every job it schedules. */
  readonly hash: string;
  /** The type's newest version in the lock. */
  readonly version: number;
  /**
   * Every identity a job of the type may carry that this build can run: each lock version's identity
   * and legacyHashes, newest first. A pool defers jobs stamped with any other.
   */
  readonly identities: readonly string[];
  /** Its earlier versions declared with versions(...), oldest first; empty without. */
  readonly earlier: readonly EarlierVersion[];
  readonly defaults: JobDefaults;
}

/** The whole module's input. */
export interface EmitContext {
  /** The schema file as named in the header, relative to the generated module. */
  readonly sourceName: string;
  readonly jobs: readonly EmitJob[];
}

/**
 * Sorts by name (code-unit order, independent of locale) so the output is the same on every machine.
 * `lock` must already record the contract (updateLock); without one, the contract's first lock is used.
 */
export function emitContext(model: ContractModel, lock?: ContractLock, chains: ReadonlyMap<string, readonly EarlierVersion[]> = new Map()): EmitContext {
  const history = lock ?? updateLock(undefined, model.jobs.map((job) => ({ name: job.name, schema: toJson(job.schema) }))).lock;
  const jobs = model.jobs
    .map((job): EmitJob => {
      const schema = toJson(job.schema);
      return { name: job.name, typeName: pascalCase(job.name), doc: job.doc, schema, hash: newestVersion(history, job.name).identity, version: newestVersion(history, job.name).version, identities: knownIdentities(history, job.name), earlier: chains.get(job.name) ?? [], defaults: job.defaults };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { sourceName: model.sourceName, jobs };
}

/** The type's identities in the lock, newest version first, each version's legacy hashes after its own. */
function knownIdentities(lock: ContractLock, type: string): string[] {
  return [...(lock.types[type] ?? [])].reverse().flatMap((v) => [v.identity, ...(v.legacyHashes ?? [])]);
}
