import { afterEach, describe, expect, it } from "vitest";
import { IdleWait } from "../../src/pool/idle-wait.js";
import { createRedisClient, type RedisClient } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/keys.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// A pool's idle wait: one BLPOP on its types' hand-off and wake lists, and the close path that
// withdraws the pool and unblocks that BLPOP, so no job handed over afterwards is taken by it.

const { server } = useRedis();
const redis = useRedisClient(server);

let namespace = 0;
const clients: RedisClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

function idleWait() {
  const keys = new KeySpace("tj:", `idle-wait-${++namespace}`);
  const blocking = createRedisClient(server().url, { blocking: true });
  const main = createRedisClient(server().url);
  clients.push(blocking, main);
  return { keys, wait: new IdleWait(blocking, main, keys, ["alpha", "beta"], ["*", "*"], 30_000, "pool-1") };
}

const blockedClients = async () => Number(/blocked_clients:(\d+)/.exec(await redis().info("clients"))![1]);

describe("IdleWait", () => {
  it("returns a job handed over, a wake-up with its list, or the end of the wait", async () => {
    const { keys, wait } = idleWait();
    const handed = wait.wait(5000);
    await waitUntil(async () => (await blockedClients()) === 1);
    await redis().rpush(keys.forType("beta").handoff, '2:j1{"t":"beta","at":1}\n{}');
    expect(await handed).toEqual({ kind: "handoff", job: { id: "j1", raw: '{"t":"beta","at":1}\n{}' } });

    const woken = wait.wait(5000);
    await waitUntil(async () => (await blockedClients()) === 1);
    await redis().rpush(keys.forType("alpha").wake, "1");
    expect(await woken).toEqual({ kind: "woken", key: keys.forType("alpha").wake });

    expect(await wait.wait(1)).toEqual({ kind: "ended" });
  });

  it("interrupt withdraws the pool from idle:<T> and unblocks its BLPOP: a job handed over afterwards stays for another pool", async () => {
    const { keys, wait } = idleWait();
    for (const type of ["alpha", "beta"]) await redis().zadd(keys.forType(type).idle, Date.now() + 60_000, "30000:*:pool-1", Date.now() + 60_000, "30000:*:pool-2");
    const waiting = wait.wait(60_000);
    await waitUntil(async () => (await blockedClients()) === 1);
    await wait.interrupt();
    expect(await waiting).toEqual({ kind: "ended" });
    // Its connection is still open, but no longer blocked on the lists.
    expect(await blockedClients()).toBe(0);
    await redis().rpush(keys.forType("alpha").handoff, "2:j1{}\n{}");
    expect(await redis().lrange(keys.forType("alpha").handoff, 0, -1)).toEqual(["2:j1{}\n{}"]);
    for (const type of ["alpha", "beta"]) expect(await redis().zrange(keys.forType(type).idle, "0", "-1")).toEqual(["30000:*:pool-2"]);
  });
});
