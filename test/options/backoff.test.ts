import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "typed-jobs";
import { DEFAULT_BACKOFF, backoffDelay, encodeBackoff, type BackoffOption } from "../../src/options/backoff.js";

// Backoff: the option as a user writes it, the compact code stored on the record, and the delay a
// pool computes from that code for each retry.

describe("encodeBackoff", () => {
  it.each<[string, BackoffOption | undefined, string]>([
    ["absent: the default", undefined, "e:1000:3600000:1"],
    ["'exponential': the default", "exponential", "e:1000:3600000:1"],
    ["{ type: exponential } with no fields: the default", { type: "exponential" }, "e:1000:3600000:1"],
    ["'none'", "none", "n"],
    ["fixed, in text", { type: "fixed", delay: "5s" }, "f:5000"],
    ["fixed, in ms", { type: "fixed", delay: 250 }, "f:250"],
    ["exponential with base, cap and no jitter", { type: "exponential", base: "2s", max: "1m", jitter: false }, "e:2000:60000:0"],
    ["exponential with jitter asked for", { type: "exponential", base: 100, jitter: true }, "e:100:3600000:1"],
  ])("%s → %j", (_name, option, code) => {
    expect(encodeBackoff(option, "schedule")).toBe(code);
  });

  it("the default code is the one records omit", () => {
    expect(DEFAULT_BACKOFF).toBe("e:1000:3600000:1");
  });

  it.each<[unknown, string]>([
    ["linear", "backoff"],
    [null, "backoff"],
    [5, "backoff"],
    [{ type: "random" }, "backoff"],
    [{ type: "fixed" }, "backoff.delay"],
    [{ type: "fixed", delay: "soon" }, "backoff.delay"],
    [{ type: "exponential", base: -1 }, "backoff.base"],
    [{ type: "exponential", max: "forever" }, "backoff.max"],
  ])("%j is an InvalidOptionError naming %s", (option, name) => {
    let error: unknown;
    try {
      encodeBackoff(option as BackoffOption, "schedule");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: name, op: "schedule" });
  });
});

describe("backoffDelay", () => {
  const noJitter = "e:1000:60000:0";

  it("'none' retries at once, every time", () => {
    expect([1, 2, 10].map((n) => backoffDelay("n", n))).toEqual([0, 0, 0]);
  });

  it("fixed waits the same delay every time", () => {
    expect([1, 2, 10].map((n) => backoffDelay("f:5000", n))).toEqual([5000, 5000, 5000]);
  });

  it("exponential doubles from the base on each failure and stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(noJitter, n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it("stays at the cap for any number of failures, never Infinity", () => {
    expect(backoffDelay(noJitter, 5000)).toBe(60000);
    expect(backoffDelay("e:1000:1e300:0", 5000)).toBe(1000 * 2 ** 40);
  });

  it("with jitter, each delay lies in the upper half of its step, set by the injected random", () => {
    const code = "e:1000:60000:1";
    expect(backoffDelay(code, 1, () => 0)).toBe(500);
    expect(backoffDelay(code, 1, () => 0.5)).toBe(750);
    expect(backoffDelay(code, 3, () => 0.999_999)).toBe(4000);
    expect(backoffDelay(code, 20, () => 0)).toBe(30000);
    for (let failures = 1; failures <= 10; failures++) {
      const step = Math.min(60000, 1000 * 2 ** (failures - 1));
      for (const r of [0, 0.1, 0.37, 0.5, 0.9, 0.999_999]) {
        const delay = backoffDelay(code, failures, () => r);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it("a record without a code gets the default: exponential from 1 s with jitter", () => {
    expect(backoffDelay(undefined, 1, () => 0)).toBe(500);
    expect(backoffDelay(undefined, 2, () => 0.999_999)).toBe(2000);
  });

  it.each(["garbage", "f:soon", "e:x:y:1", "", "f:-5"])("a code it cannot read (%j) gets the default, never NaN or a negative delay", (code) => {
    expect(backoffDelay(code, 1, () => 0)).toBe(500);
  });

  it("a non-string code (a damaged record) gets the default too", () => {
    expect(backoffDelay(42 as unknown as string, 3, () => 0)).toBe(2000);
  });

  it("round trip: what encodeBackoff stores, backoffDelay reads", () => {
    expect(backoffDelay(encodeBackoff({ type: "fixed", delay: "1m" }, "op"), 4)).toBe(60_000);
    expect(backoffDelay(encodeBackoff({ type: "exponential", base: "100ms", max: "1s", jitter: false }, "op"), 5)).toBe(1000);
    expect(backoffDelay(encodeBackoff("none", "op"), 5)).toBe(0);
  });
});
