import type { TSchema } from "typebox";
import { Memory } from "typebox/system";

/**
 * The JSON Schema annotation that marks a payload field sensitive. An `x-` extension keyword, not the
 * standard `writeOnly`: validators ignore both, but `writeOnly` already means something to OpenAPI
 * tooling that a schema may share, while this says one thing only.
 */
export const SENSITIVE_KEYWORD = "x-sensitive";

/** What every operations output shows in place of a sensitive value. */
export const SENSITIVE_MASK = "[sensitive]";

/**
 * Marks a payload field sensitive: `password: Sensitive(Type.String())`. The schema validates as
 * before; the annotation travels into the generated module and the contract registry, and the ops
 * outputs (`jobs` CLI, dashboard) show the field as SENSITIVE_MASK. Keeps TypeBox's own markers
 * (Optional, Readonly), so `Sensitive(Type.Optional(...))` stays optional.
 */
export function Sensitive<T extends TSchema>(schema: T): T {
  return Memory.Update(schema, {}, { [SENSITIVE_KEYWORD]: true }) as T;
}
