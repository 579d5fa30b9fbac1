/** The `reason` label of a rejection tells a schema refusal from a failed migration and an unreadable record. */
import { describe, expect, it } from "vitest";
import { CorruptJobRecordError, migratePayload, PayloadValidationError } from "typed-jobs";
import { rejectionReason } from "../../src/metrics/rejection-reason.js";

describe("rejectionReason", () => {
  const failingStep = {
    name: "charge",
    version: 2,
    check: () => true,
    errors: () => [],
    earlierVersions: [{ version: 1, identities: ["id-v1"], check: () => true, errors: () => [], step: () => { throw new Error("no currency"); } }],
  };

  it("labels a payload the pool's schema refuses `schema`", () => {
    expect(rejectionReason(new PayloadValidationError("pool.validate", "charge", [{ path: "/cents", message: "must be integer" }]))).toBe("schema");
  });
  it("labels a payload whose migration failed `migration`", () => {
    const error = migratePayload(failingStep, "id-v1", { cents: 1 });
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect(rejectionReason(error)).toBe("migration");
  });
  it("labels an unreadable record `record` and anything else `other`", () => {
    expect(rejectionReason(new CorruptJobRecordError("pool.run", "j1", "no header"))).toBe("record");
    expect(rejectionReason(new Error("handler threw"))).toBe("other");
  });
});
