import { readFileSync } from "node:fs";

/** A process's main thread as the kernel's scheduler counted it (/proc/<pid>/schedstat), in ms. */
export interface SchedStat {
  /** Time on a CPU. */
  readonly runMs: number;
  /** Time ready to run but waiting for a CPU: what the host's other processes cost this one. */
  readonly waitMs: number;
  /** Times it was given a CPU. */
  readonly slices: number;
}

export function schedStat(pid: number): SchedStat {
  const [run, wait, slices] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(" ").map(Number);
  return { runMs: run! / 1e6, waitMs: wait! / 1e6, slices: slices! };
}

export function schedDelta(before: SchedStat, after: SchedStat): SchedStat {
  return { runMs: after.runMs - before.runMs, waitMs: after.waitMs - before.waitMs, slices: after.slices - before.slices };
}
