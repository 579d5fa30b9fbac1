/**
 * jobs.lock.json: the contract's history, written by jobs-gen beside the schema and committed. Per
 * job type an append-only list of versions, each with its number, identity and canonical schema (doc
 * keywords removed). The first lock also records the hash each type's jobs were stamped with before
 * locks existed (`legacyHashes`), so no job already waiting becomes unknown.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { JsonValue } from "../model.js";
import { canonicalJson, schemaHash } from "../schema-json.js";
import { isJsonObject, withoutDocs } from "./canonicalize.js";
import { contractIdentity } from "./identity.js";

export const LOCK_FORMAT = 1;

/** One version of a job type's payload. */
export interface LockVersion {
  readonly version: number;
  readonly identity: string;
  /** The schema without doc keywords, keys sorted. */
  readonly schema: JsonValue;
  /** Hashes stamped on jobs of this version by a jobs-gen without locks; such jobs were validated open. */
  readonly legacyHashes?: readonly string[];
  /** Set by hand once `verify` shows no job of this version waiting: the check then ignores it. */
  readonly drained?: boolean;
}

export interface ContractLock {
  readonly types: { readonly [type: string]: readonly LockVersion[] };
}

/** A job type as the contract declares it now. */
export interface ContractEntry {
  readonly name: string;
  readonly schema: JsonValue;
}

/** What the lock gained from the contract: a new version of a type, or a new type. */
export interface LockChange {
  readonly type: string;
  readonly version: number;
}

/** `jobs.schema.ts` → `jobs.lock.json` in the same directory; any other name gets `.lock.json` for its `.schema.ts` or `.ts`. */
export function lockPathFor(schemaPath: string): string {
  const name = basename(schemaPath).replace(/(\.schema)?\.[cm]?[jt]s$/, "");
  return join(dirname(schemaPath), `${name}.lock.json`);
}

export type ReadLockResult = { readonly lock: ContractLock | undefined; readonly problem?: undefined } | { readonly lock?: undefined; readonly problem: string };

/** The lock at `path` (undefined when there is none), or why it cannot be used. */
export function readLock(path: string): ReadLockResult {
  if (!existsSync(path)) return { lock: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return { problem: `is not JSON: ${(error as Error).message}` };
  }
  return parseLock(parsed);
}

/** Checks the shape, and that each identity is the hash of its version and schema (a hand edit shows). */
export function parseLock(value: unknown): ReadLockResult {
  if (!isJsonObject(value as JsonValue) || (value as { lockFormat?: unknown }).lockFormat !== LOCK_FORMAT) return { problem: `has no "lockFormat": ${LOCK_FORMAT}` };
  const types = (value as { types?: JsonValue }).types;
  if (!isJsonObject(types)) return { problem: `has no "types" object` };
  for (const [type, versions] of Object.entries(types)) {
    if (!Array.isArray(versions) || versions.length === 0) return { problem: `type ${JSON.stringify(type)} has no list of versions` };
    for (const [index, entry] of versions.entries()) {
      const where = `type ${JSON.stringify(type)} version ${index + 1}`;
      if (!isJsonObject(entry) || entry.version !== index + 1) return { problem: `${where}: versions must be numbered 1, 2, ... in order` };
      if (typeof entry.identity !== "string" || entry.schema === undefined) return { problem: `${where}: needs an identity and a schema` };
      if (contractIdentity(index + 1, entry.schema) !== entry.identity) return { problem: `${where}: its identity is not the hash of its version and schema (was it edited by hand?)` };
      const legacy = entry.legacyHashes;
      if (legacy !== undefined && !(Array.isArray(legacy) && legacy.every((h) => typeof h === "string"))) return { problem: `${where}: legacyHashes must be a list of strings` };
      if (entry.drained !== undefined && typeof entry.drained !== "boolean") return { problem: `${where}: drained must be true or false` };
    }
  }
  return { lock: value as unknown as ContractLock };
}

/**
 * The lock with the contract's schemas recorded: a type whose schema (without docs) differs from its
 * newest version gets the next version; a new type gets version 1. Nothing is removed or rewritten.
 * Without a lock, the first one records today's stamped hashes as each type's legacy hashes.
 */
export function updateLock(lock: ContractLock | undefined, entries: readonly ContractEntry[]): { readonly lock: ContractLock; readonly changes: readonly LockChange[] } {
  const types: { [type: string]: readonly LockVersion[] } = { ...lock?.types };
  const changes: LockChange[] = [];
  for (const entry of entries) {
    const schema = withoutDocs(entry.schema);
    const versions = types[entry.name] ?? [];
    const newest = versions[versions.length - 1];
    if (newest && canonicalJson(newest.schema) === canonicalJson(schema)) continue;
    const version = versions.length + 1;
    const added: LockVersion = { version, identity: contractIdentity(version, schema), schema: sortedKeys(schema), ...(lock ? {} : { legacyHashes: [schemaHash(entry.schema)] }) };
    types[entry.name] = [...versions, added];
    changes.push({ type: entry.name, version });
  }
  const sorted = Object.fromEntries(Object.keys(types).sort().map((name) => [name, types[name]!]));
  return { lock: { types: sorted }, changes };
}

/** The newest version of `type`; the contract's own once updateLock has run. */
export function newestVersion(lock: ContractLock, type: string): LockVersion {
  const versions = lock.types[type];
  const newest = versions?.[versions.length - 1];
  if (!newest) throw new Error(`jobs-gen: the lock has no version of ${type}`);
  return newest;
}

/** The file's text: stable key order, two-space indent, a final newline. */
export function lockText(lock: ContractLock): string {
  return `${JSON.stringify({ lockFormat: LOCK_FORMAT, types: lock.types }, null, 2)}\n`;
}

function sortedKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map((item: JsonValue) => sortedKeys(item));
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys(value[key]!)]));
}
