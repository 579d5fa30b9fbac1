/**
 * The new build as `verify` and `migrate` see it: the contract module loaded (its schemas and the
 * steps of its versions(...) chains) and its lock, each type ready for admitPayload exactly as the
 * generated module would give it to a pool.
 */
import { relative } from "node:path";
import type { TSchema } from "typebox";
import { payloadVersions, type AdmittingType, type EarlierPayloadVersion } from "typed-jobs";
import { withoutDocs } from "../evolution/canonicalize.js";
import { earlierVersions } from "../evolution/chain.js";
import { readLock, type ContractLock } from "../evolution/lock-file.js";
import { loadContractModule } from "../load-module.js";
import { canonicalJson, toJson } from "../schema-json.js";
import { payloadValidator } from "./payload-issues.js";

/** One job type of the new build. */
export interface BuildType {
  readonly name: string;
  /** Its newest version in the lock, and that version's identity: what `migrate` stamps. */
  readonly version: number;
  readonly identity: string;
  /** What a pool of this build checks a claimed payload with. */
  readonly admitting: AdmittingType;
  /** Every identity the lock knows for the type (legacy hashes included), and the version it stands for. */
  readonly versionOf: ReadonlyMap<string, number>;
}

export interface Build {
  readonly schemaFile: string;
  readonly types: ReadonlyMap<string, BuildType>;
  /** Per type only the lock still has (no longer in the contract), its identities and versions. */
  readonly formerTypes: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export type BuildResult = { readonly build: Build } | { readonly problem: string };

/** Loads the contract at `schemaPath` with its lock; a problem when either cannot be used or the lock is behind the contract. */
export async function loadBuild(schemaPath: string, lockPath: string, cwd = process.cwd()): Promise<BuildResult> {
  const shown = relative(cwd, schemaPath) || schemaPath;
  const lockShown = relative(cwd, lockPath) || lockPath;
  const read = readLock(lockPath);
  if (read.problem !== undefined) return { problem: `the contract lock ${lockShown} ${read.problem}` };
  if (!read.lock) return { problem: `${lockShown} not found: verify and migrate need the contract's lock (run jobs-gen first)` };
  const lock = read.lock;
  const loaded = await loadContractModule(schemaPath);
  if (!loaded.ok) return { problem: `${shown}${loaded.line ? `:${loaded.line}` : ""}: ${loaded.message}` };
  const definitions = loaded.defaultExport;
  if (typeof definitions !== "object" || definitions === null) return { problem: `${shown}: the default export is not defineJobs({...})` };
  const types = new Map<string, BuildType>();
  for (const [name, definition] of Object.entries(definitions)) {
    const made = buildType(lock, name, (definition as { payload?: unknown } | null)?.payload);
    if (typeof made === "string") return { problem: `${shown}: job ${JSON.stringify(name)}: ${made}` };
    types.set(name, made);
  }
  const formerTypes = new Map(Object.keys(lock.types).filter((name) => !types.has(name)).map((name) => [name, identitiesOf(lock, name)] as const));
  return { build: { schemaFile: shown, types, formerTypes } };
}

function buildType(lock: ContractLock, name: string, payload: unknown): BuildType | string {
  if (typeof payload !== "object" || payload === null) return "has no payload schema";
  const chain = payloadVersions(payload);
  // The newest schema's own keys; the chain lives on its prototype (versions()).
  const schema = toJson({ ...payload });
  const versions = lock.types[name] ?? [];
  const newest = versions[versions.length - 1];
  if (!newest || canonicalJson(newest.schema) !== canonicalJson(withoutDocs(schema))) return "its schema is not the newest version in the lock; run jobs-gen, then verify";
  const validator = payloadValidator(schema as TSchema);
  let earlier: EarlierPayloadVersion[] | undefined;
  if (chain && chain.schemas.length > 1) {
    const mapped = earlierVersions(lock, name, chain.schemas.slice(0, -1).map(toJson));
    if (typeof mapped === "string") return mapped;
    earlier = mapped.map((v, i) => ({ version: v.version, identities: v.identities, ...payloadValidator(v.schema as TSchema), step: chain.steps[i]! }));
  }
  const admitting: AdmittingType = { name, schemaHash: newest.identity, version: newest.version, check: validator.check, errors: validator.errors, ...(earlier ? { earlierVersions: earlier } : {}) };
  return { name, version: newest.version, identity: newest.identity, admitting, versionOf: identitiesOf(lock, name) };
}

function identitiesOf(lock: ContractLock, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of lock.types[name] ?? []) for (const identity of [v.identity, ...(v.legacyHashes ?? [])]) out.set(identity, v.version);
  return out;
}
