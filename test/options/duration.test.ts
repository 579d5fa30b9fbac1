import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "typed-jobs";
import { toMilliseconds } from "../../src/options/duration.js";
import { catchError } from "./catch-error.js";

// toMilliseconds: every Duration option (delay, timeout, leaseTime, retention ages, backoff steps).

describe("toMilliseconds", () => {
  it.each([
    ["250ms", 250],
    ["5s", 5_000],
    ["1.5s", 1_500],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["2d", 172_800_000],
    ["10m5s250ms", 605_250],
    ["0s", 0],
    ["0.25m", 15_000],
    ["1.0005s", 1_001],
    ["  5m  ", 300_000],
  ])("%j is %d ms", (text, ms) => {
    expect(toMilliseconds(text, "delay", "schedule")).toBe(ms);
  });

  it.each([
    [0, 0],
    [1500, 1500],
    [1.4, 1],
    [1.5, 2],
  ])("the number %d is %d whole ms", (value, ms) => {
    expect(toMilliseconds(value, "timeout", "schedule")).toBe(ms);
  });

  it.each([
    "", "   ", "5", "0", "5 m", "5M", "1m30", "-5s", ".5s", "1e3ms", "5 minutes", "m", "5mm", "1h 30m", "soon",
  ])("the text %j is an InvalidOptionError naming the option", (text) => {
    const error = catchError(() => toMilliseconds(text, "leaseTime", "createPool"));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: "INVALID_OPTION", op: "createPool", option: "leaseTime" });
    expect(error.message).toContain("option leaseTime");
    expect(error.message).toContain(JSON.stringify(text));
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("the number %d is an InvalidOptionError naming the option", (value) => {
    const error = catchError(() => toMilliseconds(value, "delay", "schedule"));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: "delay", op: "schedule" });
  });

  it.each([null, undefined, {}, [], true])("a value that is neither (%j) is an InvalidOptionError, not a TypeError", (value) => {
    const error = catchError(() => toMilliseconds(value as never, "retention.finishedAge", "configure"));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: "retention.finishedAge" });
  });

  it("parses the same text the same way every time (no state kept between calls)", () => {
    expect(() => toMilliseconds("5x", "delay", "schedule")).toThrow(InvalidOptionError);
    expect([toMilliseconds("1h30m", "delay", "schedule"), toMilliseconds("1h30m", "delay", "schedule")]).toEqual([5_400_000, 5_400_000]);
  });
});
