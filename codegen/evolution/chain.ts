/**
 * A payload declared with `versions(V1).to(V2, ...)` matched with the lock: each earlier schema of
 * the chain must be a version jobs were written with (the lock has it), and gets that version's
 * number and every identity its jobs may carry.
 */
import type { JsonValue } from "../model.js";
import { canonicalJson } from "../schema-json.js";
import { withoutDocs } from "./canonicalize.js";
import type { ContractLock } from "./lock-file.js";

/** One earlier version of a payload, ready for the generated module. */
export interface EarlierVersion {
  readonly version: number;
  readonly identities: readonly string[];
  readonly schema: JsonValue;
  /** Every lock version with this schema (a schema changed and changed back has two). */
  readonly covers: readonly number[];
}

/** The chain's earlier versions, oldest first, or why one of them matches no version of the lock. */
export function earlierVersions(lock: ContractLock, type: string, schemas: readonly JsonValue[]): EarlierVersion[] | string {
  const versions = lock.types[type] ?? [];
  const out: EarlierVersion[] = [];
  for (const [index, schema] of schemas.entries()) {
    const text = canonicalJson(withoutDocs(schema));
    const matching = versions.slice(0, -1).filter((v) => canonicalJson(v.schema) === text);
    const newest = matching[matching.length - 1];
    if (!newest) return `payload version ${index + 1} of versions(...) is none of the earlier versions in the lock; a migration can only start from a schema jobs were written with`;
    out.push({ version: newest.version, identities: matching.flatMap((v) => [v.identity, ...(v.legacyHashes ?? [])]), schema, covers: matching.map((v) => v.version) });
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version <= out[i - 1]!.version) return `the versions(...) chain of ${type} must go from older to newer lock versions (v${out[i - 1]!.version} comes before v${out[i]!.version})`;
  }
  return out;
}
