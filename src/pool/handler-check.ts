import { InvalidOptionError } from "../errors.js";
import type { Handler } from "./pool-api.js";

/**
 * Every type a pool must run has a function to run it, and no handler is for another type: the types
 * check this at compile time, and JavaScript callers or a cast get the same refusal at run time
 * rather than a type whose jobs wait for ever.
 */
export function assertHandlers(handlers: Readonly<Record<string, Handler<unknown>>>, wanted: readonly string[] | undefined): void {
  const named = Object.keys(handlers).sort();
  const notFunctions = named.filter((type) => typeof handlers[type] !== "function");
  if (notFunctions.length > 0) throw new InvalidOptionError("createPool", "handlers", `must be functions; not for ${notFunctions.join(", ")}`);
  if (!wanted) return;
  const want = [...new Set(wanted)].sort();
  const missing = want.filter((type) => !Object.hasOwn(handlers, type));
  const extra = named.filter((type) => !want.includes(type));
  if (missing.length > 0) throw new InvalidOptionError("createPool", "handlers", `has no handler for ${missing.join(", ")}: no pool would run those jobs`);
  if (extra.length > 0) throw new InvalidOptionError("createPool", "handlers", `names types the pool was not given: ${extra.join(", ")}`);
}
