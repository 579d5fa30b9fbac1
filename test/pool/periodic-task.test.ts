import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PeriodicTask, type TickResult } from "../../src/pool/periodic-task.js";

// A pool's background duty: runs every interval, or as soon as a tick or runWithin asks, never two
// ticks at once. The clock is vitest's, so the times below are exact.

const INTERVAL = 1000;

/**
 * A task whose ticks are recorded (performance.now() at each) and answer what `answers` gives. Its
 * random draw is 0 unless given: each interval's wait is then the whole interval.
 */
function recorded(answers: () => TickResult | Promise<TickResult> = () => false, random = () => 0) {
  const ticks: number[] = [];
  const task = new PeriodicTask("test", INTERVAL, async () => {
    ticks.push(performance.now());
    return answers();
  }, (error) => {
    throw error;
  }, random);
  return { task, ticks };
}

describe("PeriodicTask", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["performance", "setTimeout", "clearTimeout"] }));
  afterEach(() => vi.useRealTimers());

  it("ticks at start, then every interval; true runs again at once; a number of ms runs that soon, at most the interval", async () => {
    const answers: TickResult[] = [false, true, 250, 5000, false];
    const { task, ticks } = recorded(() => answers.shift() ?? false);
    const t0 = performance.now();
    task.start();
    await vi.advanceTimersByTimeAsync(INTERVAL * 3);
    await task.stop();
    // A timer of 0 ms fires after 1, as Node's does.
    expect(ticks.map((t) => t - t0)).toEqual([0, 1000, 1001, 1251, 2251]);
  });

  it("runWithin brings the next tick forward, never puts it off, and is ignored once stopped", async () => {
    const { task, ticks } = recorded();
    const t0 = performance.now();
    task.start(false);
    await vi.advanceTimersByTimeAsync(100);
    task.runWithin(200);
    task.runWithin(900);
    await vi.advanceTimersByTimeAsync(1400);
    // At 300 (brought forward), then an interval later.
    expect(ticks.map((t) => t - t0)).toEqual([300, 1300]);
    await task.stop();
    task.runWithin(0);
    await vi.advanceTimersByTimeAsync(INTERVAL * 2);
    expect(ticks).toHaveLength(2);
  });

  it("a runWithin during a tick is kept for when the tick ends", async () => {
    let finish: (() => void) | undefined;
    const { task, ticks } = recorded(() => (finish ? false : new Promise<TickResult>((resolve) => (finish = () => resolve(false)))));
    const t0 = performance.now();
    task.start();
    await vi.advanceTimersByTimeAsync(10);
    task.runWithin(50);
    await vi.advanceTimersByTimeAsync(20);
    finish!();
    await vi.advanceTimersByTimeAsync(100);
    expect(ticks.map((t) => t - t0)).toEqual([0, 60]);
    await task.stop();
  });

  it("waits up to a tenth of the interval less, at random, so duties started together drift apart; a number of ms asked is kept exactly", async () => {
    const draws = [0.5, 0.999, 0, 0.25];
    const answers: TickResult[] = [false, false, 300, false, false];
    const { task, ticks } = recorded(() => answers.shift() ?? false, () => draws.shift() ?? 0);
    const t0 = performance.now();
    task.start(false);
    await vi.advanceTimersByTimeAsync(INTERVAL * 4);
    await task.stop();
    // The first wait 950 (a draw of 0.5), the next 900.1 (0.999), then 1000 (0); the 300 asked is
    // kept as asked; the wait after it, 975 (0.25), ends past the time advanced.
    expect(ticks.map((t) => Math.round(t - t0))).toEqual([950, 1850, 2850, 3150]);
  });
});
