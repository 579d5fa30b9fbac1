import { describe, expect, it } from "vitest";
import { claim, type ClaimArgs } from "../../src/redis/scripts/claim.js";
import { settle, type Settlement } from "../../src/redis/scripts/settle.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { FUTURE, PAYLOAD, T0, decodeStored, readState, scope, seedRaw, timed, type Scope } from "./seed.js";

// The ordinary attempt's record is written as text (includes/leased-record.lua): a first claim
// puts the run fields in front of the header it read, the settle of an attempt that ended well
// rewrites them in place. Every other record goes through cjson. Both must leave the same job.

const { server } = useRedis();
const redis = useRedisClient(server);

/** The header as schedule.lua writes a job that runs at once. */
const SCHEDULED_HEADER = `{"at":${T0},"t":"alpha","h":"test-alpha"}`;

function claimAll(s: Scope, poolId = "pool-1", o: Partial<ClaimArgs> = {}) {
  return claim(s.runner, { types: ["alpha"], count: 10, leaseMs: 30_000, poolId, justWoken: false, withdraw: false, idleWaitMs: 0, ...o });
}

function ok(id: string, o: Partial<Settlement> = {}): Settlement {
  return { id, attempt: 1, type: "alpha", outcome: "ok", retryDelayMs: 0, nextRunAt: undefined, ...o };
}

async function queue(s: Scope, id: string, header: string, payload = PAYLOAD): Promise<void> {
  await s.redis.multi().hset(s.key("jobs"), id, `${header}\n${payload}`).rpush(s.key("queue:alpha"), id).exec();
}

async function stored(s: Scope, id: string): Promise<string> {
  return (await s.redis.hget(s.key("jobs"), id))!;
}

function headerOf(raw: string): Record<string, unknown> {
  return (decodeStored(raw) as { header: Record<string, unknown> }).header;
}

/** How often `"key":` appears in the header text: a field written twice would be read differently by different parsers. */
function keyCount(raw: string, key: string): number {
  return raw.slice(0, raw.indexOf("\n")).split(`"${key}":`).length - 1;
}

describe("run fields written as text", () => {
  it("a first claim puts them in front of the header as scheduled, and the settle rewrites them in place: the rest byte for byte", async () => {
    const s = scope(redis());
    const payload = '{"text":"a \\"quoted\\" \\\\ line","s":"not a header field"}';
    await queue(s, "j", SCHEDULED_HEADER, payload);
    const claimed = await timed(() => claimAll(s));
    const started = /^\{"s":"executing","a":1,"st":(\d+),"w":"pool-1",/.exec(await stored(s, "j"));
    expect(started).not.toBeNull();
    expect(Number(started![1])).toEqual(claimed.now);
    expect(await stored(s, "j")).toBe(`{"s":"executing","a":1,"st":${started![1]},"w":"pool-1",${SCHEDULED_HEADER.slice(1)}\n${payload}`);
    expect(claimed.result.jobs).toEqual([{ id: "j", raw: await stored(s, "j") }]);

    const settled = await timed(() => settle(s.runner, "pool-2", [ok("j")]));
    expect(settled.result).toEqual(["finished"]);
    const finished = /^\{"s":"finished","a":1,"st":(\d+),"ft":(\d+),"w":"pool-2",/.exec(await stored(s, "j"));
    expect(finished?.[1]).toBe(started![1]);
    expect(Number(finished![2])).toEqual(settled.now);
    expect(await stored(s, "j")).toBe(`{"s":"finished","a":1,"st":${started![1]},"ft":${finished![2]},"w":"pool-2",${SCHEDULED_HEADER.slice(1)}\n${payload}`);
  });

  it("leave the same job as the cjson path: one claim and one settle of a job of each kind", async () => {
    const s = scope(redis());
    await queue(s, "text", `{"at":${T0},"t":"alpha","pr":0,"r":2,"to":5000,"h":"test-alpha"}`);
    // Naming its status sends a record down the cjson path.
    await queue(s, "cjson", `{"t":"alpha","s":"queued","at":${T0},"pr":0,"r":2,"to":5000,"h":"test-alpha"}`);
    await claimAll(s);
    expect(headerOf(await stored(s, "text"))).toEqual(headerOf(await stored(s, "cjson")));
    expect(await settle(s.runner, "pool-1", [ok("text"), ok("cjson")])).toEqual(["finished", "finished"]);
    const state = await readState(s);
    expect(state.jobs!.text).toEqual(state.jobs!.cjson);
    expect(state.zsets!["finished:alpha"]!.text).toBe(state.zsets!["finished:alpha"]!.cjson);
    expect(state.zsets!["executing:alpha"]).toBeUndefined();
  });

  it.each([
    { name: "its status", header: `{"at":${T0},"t":"alpha","s":"queued"}`, attempt: 1 },
    { name: "its attempts, spelled with an escape", header: `{"at":${T0},"t":"alpha","\\u0061":2}`, attempt: 3 },
    { name: "its pool and times from an earlier attempt", header: `{"at":${T0},"t":"alpha","a":1,"st":${T0},"ft":${T0 + 5},"w":"pool-old"}`, attempt: 2 },
    { name: "a pool and times but no attempt (hand-edited)", header: `{"at":${T0},"t":"alpha","st":${T0},"ft":${T0 + 5},"w":"pool-old"}`, attempt: 1 },
  ])("a header that already holds $name goes through cjson: no field is written twice", async ({ header, attempt }) => {
    const s = scope(redis());
    await queue(s, "j", header);
    await claimAll(s);
    const raw = await stored(s, "j");
    for (const key of ["s", "a", "st", "ft", "w"]) expect(keyCount(raw, key), key).toBeLessThanOrEqual(1);
    expect(headerOf(raw)).toMatchObject({ s: "executing", a: attempt, w: "pool-1" });
    expect(headerOf(raw).ft).toBeUndefined();
    expect(await settle(s.runner, "pool-1", [ok("j", { attempt })])).toEqual(["finished"]);
    expect(headerOf(await stored(s, "j"))).toMatchObject({ s: "finished", a: attempt });
  });

  it("a pool id JSON must escape is written through cjson and reads back whole", async () => {
    const s = scope(redis());
    const poolId = 'pool "one" \\ \t two';
    await queue(s, "j", SCHEDULED_HEADER);
    await claimAll(s, poolId);
    expect(headerOf(await stored(s, "j"))).toMatchObject({ s: "executing", a: 1, w: poolId });
    expect(await settle(s.runner, poolId, [ok("j")])).toEqual(["finished"]);
    expect(headerOf(await stored(s, "j"))).toMatchObject({ s: "finished", a: 1, w: poolId });
  });

  describe("a settle of a record in the leased form", () => {
    const leased = (rest: string) => `{"s":"executing","a":1,"st":${T0},"w":"pool-a",${rest}\n${PAYLOAD}`;

    it("ends it cancelled when a cancel was requested while it ran", async () => {
      const s = scope(redis());
      await seedRaw(s, "alpha", "j", leased(`"at":${T0},"t":"alpha","cx":true}`), "executing", FUTURE);
      expect(await settle(s.runner, "pool-a", [ok("j")])).toEqual(["cancelled"]);
      expect(headerOf(await stored(s, "j"))).toMatchObject({ s: "cancelled", a: 1 });
      expect(headerOf(await stored(s, "j")).cx).toBeUndefined();
    });

    it("of another attempt is stale and changes nothing", async () => {
      const s = scope(redis());
      await seedRaw(s, "alpha", "j", leased(`"at":${T0},"t":"alpha"}`), "executing", FUTURE);
      const before = await readState(s);
      expect(await settle(s.runner, "pool-a", [ok("j", { attempt: 2 })])).toEqual(["stale"]);
      expect(await readState(s)).toEqual(before);
    });

    it("that failed with a retry left is retried through cjson", async () => {
      const s = scope(redis());
      await seedRaw(s, "alpha", "j", leased(`"at":${T0},"t":"alpha","r":1}`), "executing", FUTURE);
      const error = { name: "Error", message: "boom" };
      expect(await settle(s.runner, "pool-a", [ok("j", { outcome: "error", error, retryDelayMs: 60_000 })])).toEqual(["retried"]);
      expect(headerOf(await stored(s, "j"))).toMatchObject({ s: "queued", a: 1, f: 1, e: error });
    });
  });
});
