import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisCommandError } from "../../src/errors.js";
import { KeySpace } from "../../src/redis/keys.js";
import { ScriptRunner } from "../../src/redis/script-runner.js";
import { LUA_LIBRARY_NAME, luaLibrary } from "../../src/redis/lua.generated.js";
import { schedule } from "../../src/redis/scripts/schedule.js";
import { encodeRecordTail } from "../../src/redis/record.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";

// ScriptRunner: the function library loaded before the first call and again when Redis has lost it;
// each call's keys are encoded once per layout, the rest per call.

const { server } = useRedis();
const redis = useRedisClient(server);

/** Library loads and script calls since the last RESETSTAT (INFO commandstats). */
async function scriptCalls(): Promise<{ load: number; fcall: number }> {
  const info = await redis().info("commandstats");
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name.replace("|", "\\|")}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return { load: calls("function|load"), fcall: calls("fcall") };
}

const entry = (type: string, id: string, payload = '{"n":1}') => {
  const header = { t: type, h: "h" };
  return { id, type, runAt: undefined, delayMs: 0, priority: 0, header, recordTail: encodeRecordTail(header, payload) };
};

describe("ScriptRunner", () => {
  it("loads the library when a call finds it missing, sends that call again, and does the same when Redis has lost it", async () => {
    await redis().function("FLUSH");
    const runner = new ScriptRunner(redis(), new KeySpace("tj:", `runner-${process.pid}`));
    await redis().config("RESETSTAT");
    await schedule(runner, [entry("alpha", "a1")]);
    await schedule(runner, [entry("alpha", "a2")]);
    // The call that found no function, the load, the call again, then the next call.
    expect(await scriptCalls()).toEqual({ load: 1, fcall: 3 });
    expect(((await redis().function("LIST")) as unknown[][]).map((library) => library[1])).toEqual([LUA_LIBRARY_NAME]);
    await redis().function("FLUSH");
    await redis().config("RESETSTAT");
    expect(await schedule(runner, [entry("alpha", "a3")])).toMatchObject([{ id: "a3", created: true }]);
    await schedule(runner, [entry("alpha", "a4")]);
    expect(await scriptCalls()).toEqual({ load: 1, fcall: 3 });
    expect(await redis().lrange(`tj:{runner-${process.pid}}:queue:alpha`, 0, -1)).toEqual(["a1", "a2", "a3", "a4"]);
  });

  it("a burst of calls on a server without the library loads it once; a runner on a server that has it never sends its text", async () => {
    await redis().function("FLUSH");
    const namespace = `burst-${process.pid}`;
    const runner = new ScriptRunner(redis(), new KeySpace("tj:", namespace));
    await redis().config("RESETSTAT");
    const ids = Array.from({ length: 50 }, (_, n) => `b${n}`);
    const results = await Promise.all(ids.map((id) => schedule(runner, [entry("alpha", id)])));
    expect(results.map(([r]) => r)).toMatchObject(ids.map((id) => ({ id, created: true })));
    expect(await scriptCalls()).toEqual({ load: 1, fcall: 100 });
    // Another process's runner: the library is there, loaded by the first.
    const other = new ScriptRunner(redis(), new KeySpace("tj:", namespace));
    expect(await schedule(other, [entry("alpha", "b50")])).toMatchObject([{ id: "b50", created: true }]);
    expect(await scriptCalls()).toEqual({ load: 1, fcall: 101 });
    expect(await redis().lrange(`tj:{${namespace}}:queue:alpha`, 0, -1)).toEqual([...ids, "b50"]);
  });

  it("two runners that find it missing at once both load it: the second load is told the library exists, which is no error", async () => {
    await redis().function("FLUSH");
    const [first, second] = [1, 2].map((n) => new ScriptRunner(redis(), new KeySpace("tj:", `pair-${n}-${process.pid}`)));
    await redis().config("RESETSTAT");
    const results = await Promise.all([schedule(first!, [entry("alpha", "p1")]), schedule(second!, [entry("alpha", "p2")])]);
    expect(results.map(([r]) => r)).toMatchObject([{ id: "p1", created: true }, { id: "p2", created: true }]);
    expect(await scriptCalls()).toEqual({ load: 2, fcall: 4 });
  });

  it("a load Redis refuses fails the calls waiting on it with a RedisCommandError; a user without FUNCTION runs a library loaded for it; the next call loads again", async () => {
    const name = `limited-${process.pid}`;
    await redis().acl("SETUSER", name, "on", ">pw", "~*", "+@all", "-function");
    const limited = new Redis({ port: server().port, host: "127.0.0.1", username: name, password: "pw" });
    try {
      const runner = new ScriptRunner(limited, new KeySpace("tj:", `refused-${process.pid}`));
      await redis().function("FLUSH");
      const calls = [schedule(runner, [entry("alpha", "r1")]), schedule(runner, [entry("alpha", "r2")])];
      for (const call of calls) await expect(call).rejects.toThrow(/NOPERM/);
      await expect(calls[0]).rejects.toBeInstanceOf(RedisCommandError);
      // Loaded by an administrator ahead of a deploy: the user needs only FCALL.
      await redis().function("LOAD", luaLibrary);
      expect(await schedule(runner, [entry("alpha", "r3")])).toMatchObject([{ id: "r3", created: true }]);
      await redis().function("FLUSH");
      await redis().acl("SETUSER", name, "+function");
      expect(await schedule(runner, [entry("alpha", "r4")])).toMatchObject([{ id: "r4", created: true }]);
    } finally {
      limited.disconnect();
      await redis().acl("DELUSER", name);
    }
  });

  it("sends keys, types and arguments with multi-byte characters intact, on the first call and after", async () => {
    const ns = `ünï-${process.pid}-✓`;
    const runner = new ScriptRunner(redis(), new KeySpace("tj:", ns));
    const payload = JSON.stringify({ text: "😀 ñ 中文" });
    await schedule(runner, [entry("alpha", "é1", payload)]);
    await schedule(runner, [entry("alpha", "é2", payload)]);
    const records = await redis().hmget(`tj:{${ns}}:jobs`, "é1", "é2");
    for (const record of records) expect(record!.split("\n")[1]).toBe(payload);
    expect(await redis().lrange(`tj:{${ns}}:queue:alpha`, 0, -1)).toEqual(["é1", "é2"]);
  });

  it("honours the client's ioredis keyPrefix on every call, as ioredis' own commands do", async () => {
    const ns = `runner-prefix-${process.pid}`;
    const prefixed = new Redis({ port: server().port, host: "127.0.0.1", keyPrefix: "app:" });
    try {
      const runner = new ScriptRunner(prefixed, new KeySpace("tj:", ns));
      await schedule(runner, [entry("alpha", "p1")]);
      await schedule(runner, [entry("alpha", "p2")]);
      expect(await redis().lrange(`app:tj:{${ns}}:queue:alpha`, 0, -1)).toEqual(["p1", "p2"]);
      expect(await prefixed.hkeys(`tj:{${ns}}:jobs`)).toEqual(["p1", "p2"]);
      expect(await redis().exists(`tj:{${ns}}:queue:alpha`)).toBe(0);
    } finally {
      prefixed.disconnect();
    }
  });

  it("turns an error Redis replies with into a RedisCommandError naming the operation", async () => {
    const runner = new ScriptRunner(redis(), new KeySpace("tj:", `runner-err-${process.pid}`));
    await schedule(runner, [entry("alpha", "ok")]);
    // The jobs hash made a string: HSETNX inside the script fails with WRONGTYPE.
    await redis().set(`tj:{runner-err-${process.pid}}:jobs`, "not a hash");
    const failed = schedule(runner, [entry("alpha", "x")]);
    await expect(failed).rejects.toBeInstanceOf(RedisCommandError);
    await expect(failed).rejects.toThrow(/redis\.schedule.*WRONGTYPE/s);
  });

  it("a producer's runner sends the calls of one tick together: Redis reads them in a few reads, each call gets its own reply, and a later tick's call goes at once", async () => {
    const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await redis().info("stats"))![1]);
    // Each runner on a connection of its own, so the reads counted are its calls' (and the INFO's).
    const readsFor = async (coalesceWrites: boolean, namespace: string) => {
      const client = new Redis({ port: server().port, host: "127.0.0.1" });
      try {
        const runner = new ScriptRunner(client, new KeySpace("tj:", namespace), { coalesceWrites });
        await schedule(runner, [entry("alpha", "warm")]);
        const before = await reads();
        const ids = Array.from({ length: 200 }, (_, n) => `c${n}`);
        const results = await Promise.all(ids.map((id) => schedule(runner, [entry("alpha", id)])));
        const read = (await reads()) - before - 1;
        expect(results.map(([r]) => r)).toMatchObject(ids.map((id) => ({ id, created: true })));
        // A call made after the tick is not held behind anything.
        expect(await schedule(runner, [entry("alpha", "later")])).toMatchObject([{ id: "later", created: true }]);
        expect(await redis().lrange(`tj:{${namespace}}:queue:alpha`, 0, -1)).toEqual(["warm", ...ids, "later"]);
        return read;
      } finally {
        client.disconnect();
      }
    };
    const coalesced = await readsFor(true, `coalesced-${process.pid}`);
    const oneByOne = await readsFor(false, `one-write-each-${process.pid}`);
    // 200 calls of about 500 bytes: a handful of Redis's 16 KB reads when written together; the
    // bound leaves room for a loaded host splitting them.
    expect(coalesced).toBeLessThanOrEqual(40);
    expect(oneByOne).toBeGreaterThan(coalesced);
  });

  it("a producer's runner sends a long tick's calls in slices, the first while the tick's calls are still being made", async () => {
    const client = new Redis({ port: server().port, host: "127.0.0.1" });
    try {
      const namespace = `sliced-${process.pid}`;
      const runner = new ScriptRunner(client, new KeySpace("tj:", namespace), { coalesceWrites: true });
      await schedule(runner, [entry("alpha", "warm")]);
      // How many calls had been made when each write of held commands left.
      let made = 0;
      const writtenAt: number[] = [];
      const socket = client.stream as typeof client.stream & { _writev(...args: unknown[]): unknown };
      const writev = socket._writev;
      socket._writev = function (this: typeof socket, ...args: unknown[]) {
        writtenAt.push(made);
        return writev.apply(this, args);
      };
      const ids = Array.from({ length: 200 }, (_, n) => `s${n}`);
      const calls = ids.map((id) => {
        const call = schedule(runner, [entry("alpha", id)]);
        made++;
        return call;
      });
      await Promise.all(calls);
      // Redis could start on the first slice before the 200th call was made, and the burst took a few
      // writes, not 200 (slices meet in one write while the socket is still busy with the one before).
      expect(writtenAt[0]).toBeLessThan(ids.length);
      expect(writtenAt.length).toBeGreaterThanOrEqual(2);
      expect(writtenAt.length).toBeLessThanOrEqual(10);
      expect(await client.lrange(`tj:{${namespace}}:queue:alpha`, 0, -1)).toEqual(["warm", ...ids]);
    } finally {
      client.disconnect();
    }
  });
});
