import { UnknownJobTypeError } from "../errors.js";
import { withRedis } from "../redis/redis-error.js";
import type { OpsContext } from "./ops-context.js";

/**
 * A type an operation may act on: one the application's contract names, one ever scheduled (the
 * `types` set), or one a runtime published to the contract registry. Anything else is most likely a
 * typo, which would otherwise pause nothing, or act on nothing, and report success.
 */
export async function assertKnownType(ctx: OpsContext, type: string, op: string): Promise<void> {
  if (ctx.knownTypes.includes(type)) return;
  const [scheduled, fields] = await withRedis(op, () => Promise.all([ctx.redis.smembers(ctx.keys.types), ctx.redis.hkeys(ctx.keys.contracts)]), ctx.redis);
  // Registry fields are `<type>\n<schema hash>`.
  const published = fields.map((field) => field.slice(0, field.indexOf("\n")));
  if (scheduled.includes(type) || published.includes(type)) return;
  throw new UnknownJobTypeError(op, type, [...new Set([...ctx.knownTypes, ...scheduled, ...published])].sort());
}
