import { afterEach, describe, expect, it } from "vitest";
import { IdleWait, type WaitOutcome } from "../../src/pool/idle-wait.js";
import { createRedisClient, type RedisClient } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/keys.js";
import { encodeRecordTail } from "../../src/redis/record.js";
import { ScriptRunner } from "../../src/redis/script-runner.js";
import { HANDOFF_POPS } from "../../src/redis/scripts/handoff.js";
import { scheduleOne } from "../../src/redis/scripts/schedule.js";
import { expectInterruptAfterReconnect } from "../support/idle-wait-reconnect.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// A pool's idle wait: BLPOPs on its types' hand-off and wake lists, several pending at once, and the
// close path that withdraws the pool and unblocks them all, so no job handed over afterwards is taken
// by it.

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
  /** What pops brought while no wait was pending. */
  const aside: WaitOutcome[] = [];
  return { keys, main, aside, wait: new IdleWait(blocking, main, keys, ["alpha", "beta"], ["*", "*"], 30_000, "pool-1", (outcome) => aside.push(outcome)) };
}

const handoffEntry = (id: string) => `${id.length}:${id}{"t":"alpha","at":1}\n{}`;

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

  it("with several pops pending, jobs handed over together are taken one per pop with no pop sent after: the wait gets the first, aside the rest", async () => {
    const { keys, wait, aside } = idleWait();
    const handed = wait.wait(5000, 3);
    expect(wait.pending).toBe(3);
    // The connection runs one BLPOP at a time; the others wait behind it.
    await waitUntil(async () => (await blockedClients()) === 1);
    await redis().rpush(keys.forType("alpha").handoff, handoffEntry("j1"), handoffEntry("j2"), handoffEntry("j3"));
    expect(await handed).toMatchObject({ kind: "handoff", job: { id: "j1" } });
    await waitUntil(() => aside.length === 2);
    expect(aside).toMatchObject([{ kind: "handoff", job: { id: "j2" } }, { kind: "handoff", job: { id: "j3" } }]);
    expect(wait.pending).toBe(0);
    expect(await redis().llen(keys.forType("alpha").handoff)).toBe(0);
  });

  it("a wait takes a pop left pending by the last one before sending another, and tops the pending pops up to the depth asked", async () => {
    const { keys, wait, aside } = idleWait();
    const first = wait.wait(5000, 2);
    await waitUntil(async () => (await blockedClients()) === 1);
    await redis().rpush(keys.forType("alpha").handoff, handoffEntry("j1"));
    expect(await first).toMatchObject({ kind: "handoff", job: { id: "j1" } });
    expect(wait.pending).toBe(1);
    const second = wait.wait(5000, 1);
    expect(wait.pending).toBe(1);
    await redis().rpush(keys.forType("beta").wake, "1");
    expect(await second).toEqual({ kind: "woken", key: keys.forType("beta").wake });
    expect(aside).toEqual([]);
  });

  it(`schedules that reach Redis in one write are all handed to a waiting pool, up to ${HANDOFF_POPS}, and reach it without a claim`, async () => {
    const { keys, main, wait, aside } = idleWait();
    const runner = new ScriptRunner(main, keys, { coalesceWrites: true });
    const entry = (id: string, delayMs = 0) => {
      const header = { t: "alpha", h: "test-alpha" };
      return { id, type: "alpha", runAt: undefined, delayMs, priority: 0, header, recordTail: encodeRecordTail(header, "{}") };
    };
    // Loads the function library first, so the calls below go in one write.
    await scheduleOne(runner, entry("later", 60_000));
    // It is the earliest scheduled job, which wakes a pool: not what this test is about.
    await redis().del(keys.forType("alpha").wake);
    await redis().zadd(keys.forType("alpha").idle, Date.now() + 60_000, "30000:*:pool-1");
    const handed = wait.wait(5000, HANDOFF_POPS);
    await waitUntil(async () => (await blockedClients()) === 1);
    const ids = Array.from({ length: HANDOFF_POPS + 1 }, (_, k) => `j${k}`);
    const results = await Promise.all(ids.map((id) => scheduleOne(runner, entry(id))));
    expect(results.map((r) => r.handedTo)).toEqual([...ids.slice(0, -1).map(() => "pool-1"), undefined]);
    expect(await handed).toMatchObject({ kind: "handoff", job: { id: "j0" } });
    await waitUntil(() => aside.length === HANDOFF_POPS - 1);
    expect(aside.map((o) => (o.kind === "handoff" ? o.job.id : o.kind))).toEqual(ids.slice(1, -1));
    // The last was queued, and its wake-up waits for the pool's next pop.
    expect(await redis().lrange(keys.forType("alpha").queue, 0, -1)).toEqual(ids.slice(-1));
    expect(await redis().llen(keys.forType("alpha").wake)).toBe(1);
  });

  it("after its connection is lost with pops pending, which ioredis sends again, a close still unblocks every pop at once", async () => {
    const { keys, wait } = idleWait();
    await expectInterruptAfterReconnect(wait, redis(), keys.forType("alpha").handoff);
  });

  it("interrupt withdraws the pool from idle:<T> and unblocks its pending BLPOPs: a job handed over afterwards stays for another pool", async () => {
    const { keys, wait } = idleWait();
    for (const type of ["alpha", "beta"]) await redis().zadd(keys.forType(type).idle, Date.now() + 60_000, "30000:*:pool-1", Date.now() + 60_000, "30000:*:pool-2");
    const waiting = wait.wait(60_000, 3);
    await waitUntil(async () => (await blockedClients()) === 1);
    await wait.interrupt();
    expect(await waiting).toEqual({ kind: "ended" });
    // Its connection is still open, but no longer blocked on the lists: every pending pop was unblocked.
    expect(wait.pending).toBe(0);
    expect(await blockedClients()).toBe(0);
    await redis().rpush(keys.forType("alpha").handoff, "2:j1{}\n{}");
    expect(await redis().lrange(keys.forType("alpha").handoff, 0, -1)).toEqual(["2:j1{}\n{}"]);
    for (const type of ["alpha", "beta"]) expect(await redis().zrange(keys.forType(type).idle, "0", "-1")).toEqual(["30000:*:pool-2"]);
  });
});
