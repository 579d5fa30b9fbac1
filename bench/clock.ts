/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC, which every process reads alike):
 * a schedule call's start in one process and a handler's start in another can be subtracted.
 */
export function clockMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
