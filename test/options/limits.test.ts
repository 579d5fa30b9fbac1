import { describe, expect, it } from "vitest";
import { checkPriority, checkRetries, PRIORITY_MAX, PRIORITY_MIN, RETRIES_MAX } from "../../src/options/priority-retries.js";
import { TIMEOUT_MAX_MS, timeoutMs } from "../../src/options/timeout.js";
import { assertTypeName } from "../../src/options/type-name.js";
import { catchError } from "./catch-error.js";

// The bounds a job type's defaults and a schedule call's options share, at their edges.

describe("priority and retries", () => {
  it("accept the integers at both ends of their ranges", () => {
    expect([PRIORITY_MIN, 0, PRIORITY_MAX].map((p) => checkPriority(p, "schedule"))).toEqual([-1024, 0, 1023]);
    expect([0, RETRIES_MAX].map((r) => checkRetries(r, "schedule"))).toEqual([0, 1000]);
  });

  it.each<[string, () => unknown, string, RegExp]>([
    ["priority one past the top", () => checkPriority(1024, "schedule"), "priority", /from -1024 to 1023, got 1024$/],
    ["priority one past the bottom", () => checkPriority(-1025, "schedule"), "priority", /got -1025$/],
    ["priority as text, quoted in the message", () => checkPriority("5", "schedule"), "priority", /got "5"$/],
    ["retries one past the top", () => checkRetries(1001, "schedule"), "retries", /from 0 to 1000, got 1001$/],
    ["retries NaN", () => checkRetries(Number.NaN, "schedule"), "retries", /got NaN$/],
  ])("%s is an InvalidOptionError naming the option", (_name, run, option, message) => {
    const error = catchError(run);
    expect(error).toMatchObject({ option, op: "schedule" });
    expect(error.problem).toMatch(message);
  });
});

describe("timeoutMs", () => {
  it("parses like any duration, 0 meaning none", () => {
    expect([timeoutMs("1h30m", "schedule"), timeoutMs(250, "schedule"), timeoutMs(0, "schedule")]).toEqual([5_400_000, 250, 0]);
  });

  it("accepts the longest delay a Node timer holds and refuses one more millisecond", () => {
    expect(timeoutMs(TIMEOUT_MAX_MS, "schedule")).toBe(2 ** 31 - 1);
    expect(timeoutMs("24d", "schedule")).toBe(24 * 86_400_000);
    expect(catchError(() => timeoutMs(TIMEOUT_MAX_MS + 1, "schedule"))).toMatchObject({ option: "timeout" });
    expect(catchError(() => timeoutMs("25d", "schedule")).problem).toMatch(/must be at most 2147483647 ms/);
  });

  it("refuses what is not a duration, naming timeout", () => {
    expect(catchError(() => timeoutMs("soon", "schedule"))).toMatchObject({ option: "timeout" });
    expect(catchError(() => timeoutMs(-5, "schedule"))).toMatchObject({ option: "timeout" });
  });
});

describe("assertTypeName", () => {
  it.each(["a", "_private", "welcome_email", "A1"])("accepts %s", (name) => {
    expect(() => assertTypeName(name, "keys")).not.toThrow();
  });
  it.each(["", "1x", "a$b", "welcome-email", "a b", "é"])("refuses %j, naming type", (name) => {
    expect(catchError(() => assertTypeName(name, "keys"))).toMatchObject({ option: "type", op: "keys" });
  });
});
