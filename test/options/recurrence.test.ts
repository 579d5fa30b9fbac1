import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "typed-jobs";
import { encodeRecurrence, firstRunAt, nextRunAt, type Recurrence } from "../../src/options/recurrence.js";

// Recurrence: { every } or { cron, timezone? } as a user writes it, its record form, and the next
// slot a pool computes when a run ends.

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;

describe("encodeRecurrence", () => {
  it.each<[Recurrence, object]>([
    [{ every: "5m" }, { ev: 300_000 }],
    [{ every: 1500 }, { ev: 1500 }],
    [{ every: "1h30m" }, { ev: 5_400_000 }],
    [{ cron: "0 * * * *" }, { cr: "0 * * * *" }],
    [{ cron: "*/10 * * * * *" }, { cr: "*/10 * * * * *" }],
    [{ cron: "0 9 * * 1-5", timezone: "Europe/Paris" }, { cr: "0 9 * * 1-5", tz: "Europe/Paris" }],
  ])("%j → %j", (recurrence, fields) => {
    expect(encodeRecurrence(recurrence, "scheduleRecurring")).toEqual(fields);
  });

  it.each<[unknown, string]>([
    [{ every: 0 }, "every"],
    [{ every: "0s" }, "every"],
    [{ every: "soon" }, "every"],
    [{ every: -5 }, "every"],
    [{ cron: "61 * * * *" }, "cron"],
    [{ cron: "" }, "cron"],
    [{ cron: "every day" }, "cron"],
    [{ cron: "* * *" }, "cron"],
    [{ cron: "0 0 31 2 *" }, "cron"],
    [{ cron: "0 9 * * *", timezone: "Not/AZone" }, "timezone"],
    [{ cron: "0 9 * * *", timezone: "" }, "timezone"],
    [{}, "recurrence"],
    [null, "recurrence"],
    ["5m", "recurrence"],
  ])("%j is an InvalidOptionError naming %s", (recurrence, option) => {
    let error: unknown;
    try {
      encodeRecurrence(recurrence as Recurrence, "scheduleRecurring");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option, op: "scheduleRecurring", code: "INVALID_OPTION" });
  });

  it("a value that is not an object says what it got", () => {
    expect(() => encodeRecurrence("5m" as unknown as Recurrence, "op")).toThrow('option recurrence must be { every } or { cron }, got "5m"');
  });

  it("an invalid cron's error says what is wrong with it", () => {
    expect(() => encodeRecurrence({ cron: "61 * * * *" }, "op")).toThrow(/option cron is not a valid cron expression \("61 \* \* \* \*"\)/);
    expect(() => encodeRecurrence({ cron: "0 0 31 2 *" }, "op")).toThrow(/option cron never fires/);
  });
});

describe("nextRunAt with an interval", () => {
  const first = at("2026-03-01T00:00:00Z");
  const ev = 10 * MINUTE;

  it.each([
    ["just after the slot it ran for", first + 5, first + ev],
    ["exactly on the next slot: the one after (strictly later than now)", first + ev, first + 2 * ev],
    ["after a long downtime: the next future slot, not every missed one", first + 57 * ev + 1234, first + 58 * ev],
    ["before the slot it ran for (a clock behind): the next slot", first - 3 * MINUTE, first + ev],
  ])("%s", (_name, now, want) => {
    expect(nextRunAt({ ev }, first, now)).toBe(want);
  });

  it("always returns the first slot after now, aligned to the first run-at", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
      fc.integer({ min: 1, max: 7 * 24 * 3_600_000 }),
      fc.integer({ min: -3_600_000, max: 400 * 24 * 3_600_000 }),
      (previous, every, elapsed) => {
        const now = previous + elapsed;
        const next = nextRunAt({ ev: every }, previous, now)!;
        expect(next).toBeGreaterThan(now);
        expect(next - every).toBeLessThanOrEqual(Math.max(now, previous));
        expect((next - previous) % every).toBe(0);
      },
    ), { numRuns: 300 });
  });
});

describe("nextRunAt with a cron", () => {
  it.each([
    ["hourly, mid-hour", "0 * * * *", undefined, "2026-03-01T12:34:56Z", "2026-03-01T13:00:00Z"],
    ["hourly, exactly on the hour: the next hour", "0 * * * *", undefined, "2026-03-01T12:00:00Z", "2026-03-01T13:00:00Z"],
    ["every 15 minutes, exactly on a slot", "*/15 * * * *", undefined, "2026-03-01T12:15:00Z", "2026-03-01T12:30:00Z"],
    ["every 10 seconds (six fields)", "*/10 * * * * *", undefined, "2026-03-01T12:00:01.500Z", "2026-03-01T12:00:10Z"],
    ["weekdays at 9, on a Saturday", "0 9 * * 1-5", undefined, "2026-03-07T10:00:00Z", "2026-03-09T09:00:00Z"],
    ["9:00 in New York in winter (UTC-5)", "0 9 * * *", "America/New_York", "2026-01-01T12:00:00Z", "2026-01-01T14:00:00Z"],
    ["9:00 in New York in summer (UTC-4)", "0 9 * * *", "America/New_York", "2026-07-01T12:00:00Z", "2026-07-01T13:00:00Z"],
  ])("%s", (_name, cr, tz, now, want) => {
    const fields = tz ? { cr, tz } : { cr };
    // The previous run-at does not matter for a cron: after downtime the next slot is the next one after now.
    expect(nextRunAt(fields, at("2020-01-01T00:00:00Z"), at(now))).toBe(at(want));
  });

  it("a job with no recurrence has no next run", () => {
    expect(nextRunAt({}, 0, Date.now())).toBeUndefined();
  });
});

describe("firstRunAt", () => {
  it("an interval job runs now (undefined: no run-at of its own)", () => {
    expect(firstRunAt({ ev: MINUTE }, at("2026-03-01T12:34:56Z"))).toBeUndefined();
  });

  it("a cron job first runs at its next slot", () => {
    expect(firstRunAt({ cr: "30 * * * *" }, at("2026-03-01T12:34:56Z"))).toBe(at("2026-03-01T13:30:00Z"));
  });
});
