import { readFileSync } from "node:fs";

/**
 * The CPU time the hypervisor has taken from this machine's virtual CPUs so far, in ms (/proc/stat's
 * steal, all CPUs; counted in 10 ms ticks): time a CPU had work to run and the host ran something else.
 * On a shared host it comes in spells of several ms that stall every process at once. 0 where the
 * system does not say (no /proc/stat): nothing is then known to be stolen.
 */
export function stolenMs(): number {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    return Number(cpu[8] ?? 0) * 10;
  } catch {
    return 0;
  }
}
