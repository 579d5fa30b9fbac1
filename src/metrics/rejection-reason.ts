/** The `reason` label of a rejection: which check refused the job. */
export type RejectionReason = "schema" | "migration" | "record" | "unknown_contract" | "other";

export const REJECTION_REASONS: readonly RejectionReason[] = ["schema", "migration", "record", "unknown_contract", "other"];

/**
 * By the error's stable code: a payload its schema refuses, a payload of an earlier version whose
 * migration failed (the pool's "pool.migrate" step), a record the pool cannot read, or a job of a
 * contract identity no pool that knows it took before its deferral's deadline.
 */
export function rejectionReason(error: unknown): RejectionReason {
  const { code, op } = typeof error === "object" && error !== null ? (error as { code?: unknown; op?: unknown }) : {};
  if (code === "PAYLOAD_INVALID") return op === "pool.migrate" ? "migration" : "schema";
  if (code === "CORRUPT_RECORD") return "record";
  if (code === "UNKNOWN_CONTRACT") return "unknown_contract";
  return "other";
}
