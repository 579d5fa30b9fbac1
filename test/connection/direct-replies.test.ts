import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createRedisClient, type RedisClient } from "../../src/redis/connection.js";
import { RedisServer, waitUntil } from "../support/redis-server.js";

/** The call stacks the client's current socket emits its next reply chunks from. */
async function replyStacks(client: Redis | RedisClient): Promise<string[]> {
  const stacks: string[] = [];
  const record = () => void stacks.push(new Error().stack ?? "");
  const stream = (client as Redis).stream;
  stream.prependListener("data", record);
  await client.ping();
  stream.removeListener("data", record);
  return stacks;
}

// Node emits a buffered chunk from emitReadable_, a tick after the socket read that got it.
const deferred = (stack: string) => stack.includes("emitReadable_");

describe("reply delivery", () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });

  it("hands each reply to ioredis from the socket read, not a tick later, and again after a reconnect", async () => {
    const server = await RedisServer.start();
    open.push({ close: () => server.stop() });
    const client = createRedisClient(server.url);
    client.on("error", () => undefined);
    open.unshift({ close: async () => void client.disconnect() });
    // The detour this avoids: a stock ioredis client on the same server.
    const stock = new Redis(server.url, { lazyConnect: true });
    await stock.connect();
    expect((await replyStacks(stock)).some(deferred)).toBe(true);
    stock.disconnect();

    await client.ping();
    const before = await replyStacks(client);
    expect(before.length).toBeGreaterThan(0);
    expect(before.some(deferred)).toBe(false);

    await server.kill();
    await server.restart();
    await waitUntil(() => client.ping().then(() => true, () => false), 15_000);
    const after = await replyStacks(client);
    expect(after.length).toBeGreaterThan(0);
    expect(after.some(deferred)).toBe(false);
  });
});
