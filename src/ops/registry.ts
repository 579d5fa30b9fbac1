import type { RegisteredContract } from "../interfaces.js";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
import { withRedis } from "../redis/redis-error.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import { publishContractEntries } from "../redis/scripts/publish-contracts.js";
import { serverIdentity } from "../redis/server-identity.js";
import type { OpsContext } from "./ops-context.js";

/**
 * The contract registry: the namespace's contracts hash holds, per job type and schema hash (field
 * `<type>\n<schemaHash>`), the payload's JSON Schema, when a runtime first published it and when one
 * last did, both by Redis's clock (value JSON `{"schema": ..., "firstSeen": <ms>, "lastPublished": <ms>}`;
 * entries written before lastPublished existed count it as firstSeen). Tools started without the
 * application's code read payloads by it.
 */

/** What a runtime publishes of one job type. */
export interface PublishedType {
  readonly name: string;
  readonly schemaHash: string;
  readonly schema: object;
}

/** Fields this process has published, by server and key: each is written once per process. */
const published = new Set<string>();

/**
 * Publishes each type's schema unless this process already did (publishContracts.lua): the first
 * publish of a hash sets its firstSeen, every process's first publish sets its lastPublished, so the
 * schema a runtime started last with is the newest. A field is remembered only once written, so a
 * failed publish is tried again by the next runtime or pool.
 */
export async function publishContracts(redis: RedisClient, runner: ScriptRunner, keys: KeySpace, types: readonly PublishedType[]): Promise<void> {
  const server = serverIdentity(redis);
  const fresh = types.filter((t) => !published.has(`${server} ${keys.contracts} ${contractField(t.name, t.schemaHash)}`));
  if (fresh.length === 0) return;
  await publishContractEntries(runner, fresh.map((t) => ({ field: contractField(t.name, t.schemaHash), schemaJson: JSON.stringify(t.schema) })));
  for (const t of fresh) published.add(`${server} ${keys.contracts} ${contractField(t.name, t.schemaHash)}`);
}

/** Every published schema, by type then oldest first; an entry that cannot be read is left out. */
export async function readContracts(ctx: OpsContext): Promise<RegisteredContract[]> {
  const all = await withRedis("contracts", () => ctx.redis.hgetall(ctx.keys.contracts), ctx.redis);
  const contracts: RegisteredContract[] = [];
  for (const [field, value] of Object.entries(all)) {
    const contract = decodeContract(field, value);
    if (contract) contracts.push(contract);
  }
  return contracts.sort((a, b) => (a.type !== b.type ? (a.type < b.type ? -1 : 1) : a.firstSeen.getTime() - b.firstSeen.getTime()));
}

function contractField(type: string, schemaHash: string): string {
  return `${type}\n${schemaHash}`;
}

function decodeContract(field: string, value: string): RegisteredContract | undefined {
  const split = field.indexOf("\n");
  if (split <= 0 || split === field.length - 1) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { schema, firstSeen, lastPublished } = parsed as { schema?: unknown; firstSeen?: unknown; lastPublished?: unknown };
  if (typeof schema !== "object" || schema === null || Array.isArray(schema) || !isTime(firstSeen)) return undefined;
  const last = isTime(lastPublished) ? lastPublished : firstSeen;
  return { type: field.slice(0, split), schemaHash: field.slice(split + 1), schema, firstSeen: new Date(firstSeen), lastPublished: new Date(last) };
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
