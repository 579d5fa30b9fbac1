/**
 * The pool section: `createPool` whose handlers must name every job type, and `createPoolFor` for an
 * explicit subset. The same for every contract, since the types come from `JobPayloads`.
 */
import type { EmitContext } from "./emit-context.js";
import { fillTemplate, templateSection } from "./templates.js";

export function emitPool(_ctx: EmitContext): string {
  return fillTemplate(templateSection("pool", "pool"), {});
}
