/**
 * Writers closed, readers open: schedule calls refuse a key the schema does not declare, naming its
 * path; pools accept it, as the schema is declared. Intersections are closed as a whole.
 */
import { Compile } from "typebox/compile";
import Type from "typebox";
import { closedSchema, createJobs, PayloadValidationError } from "typed-jobs";
import { describe, expect, it } from "vitest";
import * as contract from "../../jobs.generated.js";
import { waitUntil } from "../support/redis-server.js";
import { useRedis } from "../support/setup.js";

const check = (schema: object, value: unknown) => Compile(schema as never).Check(value);

describe("closedSchema", () => {
  const nested = Type.Object({ a: Type.Object({ b: Type.String() }), list: Type.Array(Type.Object({ c: Type.Number() })) });

  it("refuses undeclared keys at every level of objects, arrays and unions", () => {
    const closed = closedSchema(nested);
    expect(check(closed, { a: { b: "x" }, list: [{ c: 1 }] })).toBe(true);
    for (const extra of [{ a: { b: "x" }, list: [], z: 1 }, { a: { b: "x", z: 1 }, list: [] }, { a: { b: "x" }, list: [{ c: 1, z: 1 }] }]) {
      expect([check(nested, extra), check(closed, extra)]).toEqual([true, false]);
    }
    const union = closedSchema(Type.Union([Type.Object({ k: Type.Literal("a") }), Type.Null()]));
    expect([check(union, { k: "a" }), check(union, null), check(union, { k: "a", z: 1 })]).toEqual([true, true, false]);
  });
  it("closes an intersection at the allOf, so each member's keys stay allowed", () => {
    const both = Type.Intersect([Type.Object({ a: Type.String() }), Type.Union([Type.Object({ b: Type.Number() }), Type.Object({ c: Type.Number() })])]);
    const closed = closedSchema(both) as unknown as Record<string, unknown>;
    expect(closed.unevaluatedProperties).toBe(false);
    expect([check(closed, { a: "x", b: 1 }), check(closed, { a: "x", c: 1 }), check(closed, { a: "x", d: 1 })]).toEqual([true, true, false]);
  });
  it("keeps what the schema declares about unknown keys, records included", () => {
    const open = Type.Object({ a: Type.String() }, { additionalProperties: true });
    expect(check(closedSchema(open), { a: "x", z: 1 })).toBe(true);
    const record = Type.Record(Type.String(), Type.Number());
    expect([check(closedSchema(record), { any: 1 }), check(closedSchema(record), { any: "x" })]).toEqual([true, false]);
  });
  it("leaves the declared schema untouched and returns the same closed schema each time", () => {
    const before = JSON.stringify(nested);
    expect(closedSchema(nested)).toBe(closedSchema(nested));
    expect(JSON.stringify(nested)).toBe(before);
  });
});

describe("the generated module: writers closed, readers open", () => {
  const { server } = useRedis();
  const uuid = "6f1c7c1e-2b7a-4c55-9a53-2f4e1c0b9d11";
  const welcome = { userId: uuid, name: "Ada", emailAddress: "ada@example.com" };

  it("refuses a payload with an undeclared key when scheduling, naming the key's path, and writes nothing", async () => {
    contract.configureJobs({ redis: server().url, namespace: "closed-schedule" });
    try {
      const error = await contract.scheduleWelcomeEmail({ ...welcome, nickname: "ada" } as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayloadValidationError);
      expect((error as PayloadValidationError).errors).toEqual([{ path: "/nickname", message: "is not a property the schema declares", keyword: "additionalProperties" }]);
      expect(() => contract.encodeWelcomeEmailPayload({ ...welcome, nickname: "ada" } as never)).toThrow(/\/nickname: is not a property the schema declares/);
      expect(contract.isWelcomeEmailPayload({ ...welcome, nickname: "ada" })).toBe(true);
      // A bulk call is closed too, the key named under its element's index.
      const bulkError = await contract.scheduleWelcomeEmailBulk([welcome, { ...welcome, nickname: "ada" } as never]).catch((e: unknown) => e);
      expect(bulkError).toBeInstanceOf(PayloadValidationError);
      expect((bulkError as PayloadValidationError).errors).toEqual([{ path: "/1/nickname", message: "is not a property the schema declares", keyword: "additionalProperties" }]);
      expect(server().cli("KEYS", "tj:{closed-schedule}:*")).toBe("");
    } finally {
      await contract.closeJobs();
    }
  });

  it("runs, in a pool, a waiting job whose payload carries a key its schema does not declare", async () => {
    const namespace = "closed-pool";
    // A producer of before writers were closed: the declared check only.
    const openWriter = createJobs({ welcomeEmail: { ...contract.welcomeEmailType, checkToWrite: undefined, errorsToWrite: undefined } }, { redis: server().url, namespace });
    const job = await openWriter.schedule("welcomeEmail", { ...welcome, nickname: "ada" } as never);
    await openWriter.close();
    contract.configureJobs({ redis: server().url, namespace });
    const seen: unknown[] = [];
    const pool = contract.createPoolFor(["welcomeEmail"], { handlers: { welcomeEmail: (payload) => void seen.push(payload) } });
    await pool.start();
    try {
      await waitUntil(async () => (await contract.findJob(job.id)).status === "finished");
    } finally {
      await pool.close();
      await contract.closeJobs();
    }
    expect(seen).toEqual([{ ...welcome, nickname: "ada" }]);
  });
});
