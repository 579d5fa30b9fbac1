import { afterEach, describe, expect, it } from "vitest";
import { InvalidOptionError, PayloadTooLargeError, PayloadValidationError } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";

type M = { any: unknown };
const types = { any: jobType<unknown>("any", anyPayload) };

function nested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { d: value };
  return value;
}

describe("hostile payloads", () => {
  const { server, bundle } = useRedis();
  afterEach(() => {
    // Belt and braces: a failed test must not leave a polluted prototype for the next one.
    delete (Object.prototype as Record<string, unknown>)["polluted"];
  });

  /** Runs each payload through a pool and returns what the handler got, by job id. */
  async function runAll(payloads: unknown[], options: { ids?: string[] } = {}) {
    const { jobs, pool } = bundle<M>(types);
    const got = new Map<string, { payload: unknown; protoOk: boolean }>();
    await pool({
      handlers: { any: (payload, job) => void got.set(job.id, { payload, protoOk: ({} as Record<string, unknown>)["polluted"] === undefined }) },
      idleWait: "100ms",
    }).start();
    const scheduled = [];
    for (const [i, payload] of payloads.entries()) scheduled.push(await jobs.schedule("any", payload, options.ids ? { id: options.ids[i]! } : {}));
    await waitUntil(() => got.size === payloads.length, 10_000, () => `ran ${got.size} of ${payloads.length}`);
    return { jobs, scheduled, got };
  }

  it("never pollute a prototype through __proto__ or constructor.prototype", async () => {
    const attacks = [
      JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
      JSON.parse('{"a": {"__proto__": {"polluted": true}}, "b": [{"__proto__": {"polluted": true}}]}'),
      JSON.parse('{"\\u005f_proto__": {"polluted": true}}'),
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    ];
    const { jobs, scheduled, got } = await runAll(attacks);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    for (const job of scheduled) {
      const { payload, protoOk } = got.get(job.id)!;
      expect(protoOk).toBe(true);
      for (const read of [payload, (await jobs.findJob(job.id)).payload]) {
        expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
        expect((read as Record<string, unknown>)["polluted"]).toBeUndefined();
        expect(JSON.stringify(read)).not.toContain("__proto__");
      }
    }
    // constructor.prototype is plain data: kept as given, harmless.
    expect(got.get(scheduled[3]!.id)!.payload).toEqual({ constructor: { prototype: { polluted: true } } });
    expect(got.get(scheduled[0]!.id)!.payload).toEqual({ a: 1 });
  });

  it("a __proto__ key in a hand-written record header reaches no prototype", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const redis = server().client();
    try {
      await redis.hset(`tj:{${namespace}}:jobs`, "evil", `{"t":"any","s":"queued","at":1,"__proto__":{"polluted":true}}\n{"__proto__":{"polluted":true}}`);
      await redis.zadd(`tj:{${namespace}}:ready:any`, 1, "evil");
      let handled: unknown;
      await pool({ handlers: { any: (payload) => void (handled = payload) }, idleWait: "100ms" }).start();
      await waitUntil(async () => (await jobs.findJob("evil")).status === "finished");
      expect(handled).toEqual({});
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    } finally {
      redis.disconnect();
    }
  });

  it("refuses a payload over maxPayloadBytes at schedule time, in UTF-8 bytes, and writes nothing", async () => {
    const { jobs, namespace } = bundle<M>(types, { maxPayloadBytes: 1000 });
    const error = await jobs.schedule("any", { s: "x".repeat(1000) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ bytes: 1008, limit: 1000 });
    // 300 emoji: 600 UTF-16 units, 1200 bytes.
    await expect(jobs.schedule("any", "😀".repeat(300))).rejects.toBeInstanceOf(PayloadTooLargeError);
    // One too large in a bulk: none of them is written.
    await expect(jobs.scheduleBulk("any", [{ a: 1 }, "y".repeat(2000), { b: 2 }])).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(server().cli("EXISTS", `tj:{${namespace}}:jobs`)).toBe("0");
    expect((await jobs.counts()).total.queued).toBe(0);
    // Just under the limit is fine.
    await jobs.schedule("any", "z".repeat(998));

    const { jobs: byDefault } = bundle<M>(types);
    await expect(byDefault.schedule("any", "w".repeat(512 * 1024))).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("keeps a payload nested 3,000 deep intact, and refuses 10,000 deep clearly at schedule time", async () => {
    const deep = nested(3000);
    const { jobs, scheduled, got } = await runAll([deep]);
    // Compared as text: the matcher's deep equality recurses further than the stack allows here.
    expect(JSON.stringify(got.get(scheduled[0]!.id)!.payload)).toBe(JSON.stringify(deep));
    expect(JSON.stringify((await jobs.findJob(scheduled[0]!.id)).payload)).toBe(JSON.stringify(deep));

    const error = await jobs.schedule("any", nested(10_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect((error as Error).message).toMatch(/cannot be encoded as JSON/);
  });

  it("rejects a record whose payload is too deep to parse or validate, and the pool keeps running", async () => {
    const { jobs, namespace, pool } = bundle<M>({ any: jobType<unknown>("any", function depth(v: unknown): boolean { return typeof v !== "object" || v === null || Object.values(v).every(depth); }) });
    const redis = server().client();
    try {
      const text = "[".repeat(50_000) + "]".repeat(50_000);
      await redis.hset(`tj:{${namespace}}:jobs`, "deep", `{"t":"any","s":"queued","at":1}\n${text}`);
      await redis.zadd(`tj:{${namespace}}:ready:any`, 1, "deep");
      const ran: unknown[] = [];
      await pool({ handlers: { any: (p) => void ran.push(p) }, idleWait: "100ms" }).start();
      await waitUntil(async () => (await jobs.findJob("deep")).status === "rejected");
      expect((await jobs.findJob("deep")).error?.message).toMatch(/cannot be (validated|parsed)/);
      await jobs.schedule("any", { ok: true });
      await waitUntil(() => ran.length === 1);
    } finally {
      redis.disconnect();
    }
  });

  it("keeps odd Unicode intact in payloads: lone surrogates, emoji, RTL, NUL, U+2028", async () => {
    const odd = ["\uD800", "x\uDFFFy", "😀👩‍👩‍👧‍👦🏳️‍🌈", "\u202Eabc\u202C", "שלום مرحبا", "a\u0000b", "\u2028\u2029", "\r\n\t\\\"", "\uFEFF", "\u{10FFFF}"];
    const payloads = [...odd, { [odd[2]!]: odd, "\u0000": "\uD83D" }];
    const { jobs, scheduled, got } = await runAll(payloads);
    for (const [i, job] of scheduled.entries()) {
      expect(got.get(job.id)!.payload).toEqual(payloads[i]);
      expect((await jobs.findJob(job.id)).payload).toEqual(payloads[i]);
    }
  });

  it("keeps odd Unicode ids intact, and refuses an id with a lone surrogate", async () => {
    const ids = ["😀", "line\nbreak", "\u202Eevil", "a\u0000b", "\u2028", "שלום", " ", "x".repeat(200)];
    const { jobs, scheduled } = await runAll(ids.map((id) => ({ id })), { ids });
    for (const [i, job] of scheduled.entries()) {
      expect(job.id).toBe(ids[i]);
      expect((await jobs.findJob(ids[i]!)).payload).toEqual({ id: ids[i] });
    }
    const listed = (await jobs.listJobs("finished", { limit: 100 })).map((j) => j.id);
    expect(listed.sort()).toEqual([...ids].sort());
    for (const bad of ["\uD800", "a\uDC00", "x".repeat(201), ""]) {
      await expect(jobs.schedule("any", 1, { id: bad })).rejects.toBeInstanceOf(InvalidOptionError);
    }
  });
});
