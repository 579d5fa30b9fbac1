import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { IdleWait } from "../../src/pool/idle-wait.js";
import { createRedisClient, type RedisClient } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/keys.js";
import { expectInterruptAfterReconnect } from "../support/idle-wait-reconnect.js";
import { RedisCluster } from "../support/redis-cluster.js";
import { waitUntil } from "../support/redis-server.js";

// A closing pool's wait on Redis Cluster: the UNBLOCK goes to the master that serves the
// namespace's slot, where the pool's blocking connection waits, so a job handed over afterwards is
// not taken by the closing pool.

describe("IdleWait on Redis Cluster", () => {
  let cluster: RedisCluster;
  const clients: RedisClient[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await cluster?.stop();
  });

  /** A wait for type alpha in `namespace`, its clients ready and the slot map known, and the master that serves it. */
  async function idleWaitOn(namespace: string) {
    const keys = new KeySpace("tj:", namespace);
    const blocking = createRedisClient({ cluster: cluster.seeds }, { blocking: true });
    const main = createRedisClient({ cluster: cluster.seeds });
    clients.push(blocking, main);
    const wait = new IdleWait(blocking, main, keys, ["alpha"], ["*"], 30_000, "pool-1", () => undefined);
    const handoff = keys.forType("alpha").handoff;
    const node: Redis = cluster.nodeClient(cluster.masterOf(cluster.keySlot(handoff)));
    const blockedClients = async () => Number(/blocked_clients:(\d+)/.exec(await node.info("clients"))![1]);
    await main.ping();
    await waitUntil(() => main.status === "ready" && blocking.status === "ready");
    return { wait, handoff, node, blockedClients };
  }

  it("interrupt unblocks the pending BLPOPs on the master that serves the namespace; a job handed over afterwards stays for another pool", async () => {
    const { wait, handoff, node, blockedClients } = await idleWaitOn("cluster-idle");
    try {
      const waiting = wait.wait(60_000, 3);
      await waitUntil(async () => (await blockedClients()) === 1);
      await wait.interrupt();
      expect(await waiting).toEqual({ kind: "ended" });
      expect(wait.pending).toBe(0);
      expect(await blockedClients()).toBe(0);
      await node.rpush(handoff, "2:j1{}\n{}");
      expect(await node.lrange(handoff, 0, -1)).toEqual(["2:j1{}\n{}"]);
    } finally {
      node.disconnect();
    }
  });
  it("after its connection to the master is lost with pops pending, which ioredis sends again, a close still unblocks every pop at once", async () => {
    const { wait, handoff, node } = await idleWaitOn("cluster-idle-reconnect");
    try {
      await expectInterruptAfterReconnect(wait, node, handoff);
    } finally {
      node.disconnect();
    }
  });
});
