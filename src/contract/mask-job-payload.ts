import type { JobSnapshot } from "../interfaces.js";
import { maskPayload } from "./mask-payload.js";

/** What a tool shows instead of a payload whose type has no schema to mask it by. */
export const UNREGISTERED_PAYLOAD = "[hidden: no registered contract]";

export interface MaskJobPayloadOptions {
  /** Show the payload of a job whose type has no schema as it is stored. Default false. */
  readonly showUnregistered?: boolean;
}

/**
 * A copy of `snapshot` fit to show: its payload masked by `schema` (maskPayload). Fails closed: with
 * no schema nothing says which fields are secret, so the payload is replaced by UNREGISTERED_PAYLOAD
 * unless `showUnregistered` is set.
 */
export function maskJobPayload(snapshot: JobSnapshot, schema: object | undefined, options: MaskJobPayloadOptions = {}): JobSnapshot {
  if (schema) return { ...snapshot, payload: maskPayload(schema, snapshot.payload) };
  return { ...snapshot, payload: options.showUnregistered ? maskPayload(undefined, snapshot.payload) : UNREGISTERED_PAYLOAD };
}
