import type { Redis } from "ioredis";
import { jobsKey, keyOf } from "../support/redis-state.js";

// Writes ended jobs straight into the data model (docs/data-model.md), in batches of one script call,
// so a test can hold hundreds of thousands without running them through a pool.
const SEED = `
local jobs, ended = KEYS[1], KEYS[2]
local prefix, from, to, endedAt, typeName, status = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
for i = from, to do
  local id = prefix .. i
  redis.call("HSET", jobs, id, '{"t":"' .. typeName .. '","s":"' .. status .. '","at":' .. endedAt .. ',"ft":' .. endedAt
    .. ',"a":1,"e":{"name":"Error","message":"seeded"}}\\n{"n":' .. i .. ',"user":{"id":' .. (i % 3) .. '}}')
  redis.call("ZADD", ended, endedAt, id)
end
return to - from + 1
`;

/** `count` ended jobs `<prefix><i>` of `type`, ended at `endedAt`, payload { n: i, user: { id: i % 3 } }. */
export async function seedEnded(redis: Redis, namespace: string, type: string, status: "failed" | "finished" | "cancelled" | "rejected", prefix: string, count: number, endedAt: number): Promise<void> {
  const chunk = 20_000;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk) - 1;
    await redis.eval(SEED, 2, jobsKey(namespace), keyOf(namespace, status, type), prefix, from, to, endedAt, type, status);
  }
}
