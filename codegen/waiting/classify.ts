/**
 * What a pool of the new build will do with one job that can still run, decided by the same
 * function the pool runs (admitPayload): pass, migrate, reject, or unknown (an identity the lock
 * does not know, or a type the contract no longer declares).
 */
import { admitPayload, type RunnableJob, type UnreadableJob, type ValidationIssue } from "typed-jobs";
import type { Build } from "./build-contract.js";

export type Verdict =
  /** The handler will get it: as stored (pass) or through the migration steps (migrate). */
  | { readonly kind: "pass" | "migrate"; readonly from: number | undefined; readonly value: unknown; readonly restamp: boolean }
  | { readonly kind: "reject"; readonly from: number | undefined; readonly issues: readonly ValidationIssue[] }
  | { readonly kind: "unknown"; readonly identity: string | undefined };

/**
 * `from` is the lock version the job's identity stands for (undefined: stamped with none). `restamp`:
 * the job is not stamped with the newest identity, so `migrate` would give it that identity.
 */
export function classify(build: Build, job: RunnableJob): Verdict {
  const type = build.types.get(job.type);
  const identity = job.schemaHash;
  if (!type || (identity !== undefined && !type.versionOf.has(identity))) return { kind: "unknown", identity };
  const from = identity === undefined ? undefined : type.versionOf.get(identity);
  const admitted = admitPayload(type.admitting, identity, job.payload);
  if (admitted instanceof Error) return { kind: "reject", from, issues: admitted.errors };
  return { kind: admitted.migrated ? "migrate" : "pass", from, value: admitted.value, restamp: identity !== type.identity };
}

/** A record a pool cannot read fails as corrupt: it will not run either. */
export function unreadableVerdict(job: UnreadableJob): Verdict {
  return { kind: "reject", from: undefined, issues: [{ path: "", message: `the record cannot be read: ${job.reason}`, keyword: "record" }] };
}
