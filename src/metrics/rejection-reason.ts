/** The `reason` label of a rejection: which check refused the job. */
export type RejectionReason = "schema" | "record" | "other";

export const REJECTION_REASONS: readonly RejectionReason[] = ["schema", "record", "other"];

/** By the error's stable code: a payload its schema refuses, or a record the pool cannot read. */
export function rejectionReason(error: unknown): RejectionReason {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === "PAYLOAD_INVALID") return "schema";
  if (code === "CORRUPT_RECORD") return "record";
  return "other";
}
