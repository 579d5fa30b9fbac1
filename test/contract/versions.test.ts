/**
 * versions(): a payload with earlier versions, each step typed by tsc; migratePayload validates a
 * job against its own version, runs the steps and validates the result, and names what failed.
 */
import Type from "typebox";
import { Compile } from "typebox/compile";
import { migratePayload, payloadVersions, PayloadValidationError, versions, type EarlierPayloadVersion } from "typed-jobs";
import { describe, expect, it } from "vitest";
import { generateFromModel } from "../../codegen/generate.js";

const V1 = Type.Object({ cents: Type.Integer() });
const V2 = Type.Object({ cents: Type.Integer(), currency: Type.String() });
const V3 = Type.Object({ amount: Type.Object({ cents: Type.Integer(), currency: Type.String() }) });

const payload = versions(V1)
  .to(V2, (p) => {
    if (p.cents < 0) throw new Error("negative amounts cannot be migrated");
    return { ...p, currency: "EUR" };
  })
  .to(V3, (p) => ({ amount: { cents: p.cents, currency: p.currency } }));

// @ts-expect-error: a step must return the next version's static type
versions(V1).to(V2, (p) => ({ cents: p.cents }));

describe("versions()", () => {
  it("is the newest schema as JSON, with the chain out of its keys, and no promise", async () => {
    expect(JSON.parse(JSON.stringify(payload))).toEqual(JSON.parse(JSON.stringify(V3)));
    expect(Object.keys(payload)).toEqual(Object.keys(V3));
    const chain = payloadVersions(payload)!;
    expect(chain.schemas).toEqual([V1, V2, V3]);
    expect(chain.steps).toHaveLength(2);
    expect(payloadVersions(V3)).toBeUndefined();
    expect(await Promise.resolve(payload)).toBe(payload);
  });
});

describe("migratePayload", () => {
  const compiled = (schema: object) => Compile(schema as never);
  const steps = payloadVersions(payload)!.steps;
  const earlier: EarlierPayloadVersion[] = [
    { version: 1, identities: ["id-v1", "legacy-v1"], check: (v) => compiled(V1).Check(v), errors: () => [{ path: "/cents", message: "must be integer" }], step: steps[0]! },
    { version: 2, identities: ["id-v2"], check: (v) => compiled(V2).Check(v), errors: () => [], step: steps[1]! },
  ];
  const type = { name: "charge", version: 3, check: (v: unknown) => compiled(V3).Check(v), errors: () => [{ path: "/amount", message: "is wrong" }], earlierVersions: earlier };

  it("runs every step from the job's version to the newest, legacy identities included", () => {
    expect(migratePayload(type, "id-v1", { cents: 5 })).toEqual({ value: { amount: { cents: 5, currency: "EUR" } } });
    expect(migratePayload(type, "legacy-v1", { cents: 5 })).toEqual({ value: { amount: { cents: 5, currency: "EUR" } } });
    expect(migratePayload(type, "id-v2", { cents: 5, currency: "USD" })).toEqual({ value: { amount: { cents: 5, currency: "USD" } } });
  });
  it("leaves a payload of an identity it does not know to the usual check", () => {
    expect(migratePayload(type, "newer", { cents: 5 })).toBeUndefined();
    expect(migratePayload(type, undefined, { cents: 5 })).toBeUndefined();
  });
  it("refuses, naming the version, a payload its own version does not accept", () => {
    const error = migratePayload(type, "id-v1", { cents: 1.5 }) as PayloadValidationError;
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect(error.errors).toEqual([{ path: "/cents", message: "as v1: must be integer" }]);
  });
  it("refuses, naming the step, a payload a step throws on", () => {
    const error = migratePayload(type, "id-v1", { cents: -1 }) as PayloadValidationError;
    expect(error.errors).toEqual([{ path: "", message: "the migration step from v1 to v2 refused it: negative amounts cannot be migrated", keyword: "migration" }]);
  });
  it("refuses a result the newest version does not accept", () => {
    const broken = { ...type, earlierVersions: [{ ...earlier[1]!, step: () => ({ wrong: true }) }] };
    const error = migratePayload(broken, "id-v2", { cents: 1, currency: "EUR" }) as PayloadValidationError;
    expect(error.errors).toEqual([{ path: "/amount", message: "migrated from v2 to v3: is wrong" }]);
  });
});

describe("jobs-gen and versions()", () => {
  it("refuses a chain whose earlier schema is no version of the lock", () => {
    const result = generateFromModel({ file: "jobs.schema.ts", sourceName: "jobs.schema.ts", jobs: [{ name: "charge", line: 4, doc: undefined, schema: JSON.parse(JSON.stringify(V2)), earlierSchemas: [JSON.parse(JSON.stringify(V1))], defaults: {} }] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.diagnostics[0]).toMatchObject({ line: 4, message: expect.stringMatching(/job "charge": payload version 1 of versions\(\.\.\.\) is none of the earlier versions in the lock/) });
  });
});
