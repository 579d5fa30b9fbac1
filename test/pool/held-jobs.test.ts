import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HeldJobs } from "../../src/pool/held-jobs.js";

// The jobs a pool claimed ahead: started oldest first into free slots, handed back once they have
// waited the hold limit, with a timer that wakes the pool when the oldest falls due. The clock is
// vitest's, so "waited 50 ms" is exact.

const HOLD_MS = 50;
const job = (id: string) => ({ id, raw: `record of ${id}` });
const ids = (jobs: readonly { id: string }[]) => jobs.map((j) => j.id);

describe("HeldJobs", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["performance", "setTimeout", "clearTimeout"] }));
  afterEach(() => vi.useRealTimers());

  it("gives the oldest first, only as many as there are slots, and keeps the rest", () => {
    const held = new HeldJobs(HOLD_MS, () => undefined);
    held.add([job("a"), job("b"), job("c")]);
    expect(ids(held.take(2).start)).toEqual(["a", "b"]);
    expect(held.length).toBe(1);
    expect(held.take(0)).toEqual({ start: [], overdue: [] });
    expect(ids(held.take(5).start)).toEqual(["c"]);
    expect(held.length).toBe(0);
  });

  it("gives back as overdue, never to start, every job held longer than the limit, slots or not", () => {
    const held = new HeldJobs(HOLD_MS, () => undefined);
    held.add([job("old1"), job("old2")]);
    vi.advanceTimersByTime(30);
    held.add([job("new")]);
    vi.advanceTimersByTime(HOLD_MS - 29);
    const { start, overdue } = held.take(1);
    expect(ids(overdue)).toEqual(["old1", "old2"]);
    expect(ids(start)).toEqual(["new"]);
  });

  it("wakes its owner when the oldest falls due, and again for the next one still held", () => {
    const due = vi.fn();
    const held = new HeldJobs(HOLD_MS, due);
    held.add([job("a")]);
    vi.advanceTimersByTime(20);
    held.add([job("b")]);
    vi.advanceTimersByTime(HOLD_MS - 20);
    expect(due).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2);
    expect(due).toHaveBeenCalledTimes(1);
    expect(ids(held.take(0).overdue)).toEqual(["a"]);
    vi.advanceTimersByTime(20);
    expect(due).toHaveBeenCalledTimes(2);
    expect(ids(held.take(0).overdue)).toEqual(["b"]);
    vi.advanceTimersByTime(10 * HOLD_MS);
    expect(due).toHaveBeenCalledTimes(2);
  });

  it("drain hands over everything still held and stops the timer", () => {
    const due = vi.fn();
    const held = new HeldJobs(HOLD_MS, due);
    held.add([job("a"), job("b")]);
    expect(ids(held.drain())).toEqual(["a", "b"]);
    vi.advanceTimersByTime(10 * HOLD_MS);
    expect(due).not.toHaveBeenCalled();
    expect(held.length).toBe(0);
  });
});
