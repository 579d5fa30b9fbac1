/** The definition rules on their own, and createJobs's check of the job types it is given. */
import { createJobs, InvalidJobTypeError, jobDefinitionProblems, type JobType } from "typed-jobs";
import { describe, expect, it } from "vitest";
import { anyPayload, jobType } from "../support/setup.js";

describe("jobDefinitionProblems", () => {
  it("is empty for a definition with no options, and for one with every option good", () => {
    expect(jobDefinitionProblems("a", {})).toEqual([]);
    expect(jobDefinitionProblems("a", { retries: 3, priority: -5, backoff: "none", timeout: "5m", description: "Sends it." })).toEqual([]);
  });

  it("lists every broken rule, each with its field", () => {
    const problems = jobDefinitionProblems("a-b", { retries: -1, priority: 1.5, backoff: { type: "fixed" }, timeout: "soon", description: 5 });
    expect(problems.map((p) => p.field)).toEqual(["name", "retries", "priority", "backoff.delay", "timeout", "description"]);
    expect(problems[0]!.problem).toBe('must be letters, digits and _, not starting with a digit; got "a-b"');
  });
});

describe("createJobs", () => {
  const refusal = (types: Record<string, JobType<unknown>>): InvalidJobTypeError => {
    try {
      createJobs(types);
    } catch (error) {
      return error as InvalidJobTypeError;
    }
    throw new Error("createJobs accepted the types");
  };

  it("names the type, the first field and how many more are wrong", () => {
    const error = refusal({ ok: jobType("ok", anyPayload), mail: jobType("mail", anyPayload, { retries: 5000, priority: 9999 }) });
    expect(error).toBeInstanceOf(InvalidJobTypeError);
    expect(error).toMatchObject({ code: "INVALID_OPTION", op: "createJobs", jobType: "mail", field: "retries" });
    expect(error.problems.map((p) => p.field)).toEqual(["retries", "priority"]);
    expect(error.message).toBe('job type "mail": retries must be an integer from 0 to 1000, got 5000 (and 1 more)');
  });

  it("refuses a job type whose name is not the key it is given under", () => {
    expect(refusal({ mail: jobType("email", anyPayload) })).toMatchObject({ jobType: "mail", field: "name" });
  });

  it("refuses an entry that is not a job type", () => {
    expect(refusal({ mail: null as unknown as JobType<unknown> })).toMatchObject({ jobType: "mail", field: "definition" });
  });
});
