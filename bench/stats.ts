/** Small numeric helpers shared by the scenarios. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when `check` holds, polling every few ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Every scheduled job ran exactly once, and nothing else ran: the no-fault run's correctness check. */
export function assertExactlyOnce(lib: string, scenario: string, scheduled: readonly string[], runs: ReadonlyMap<string, number>): void {
  const problems: string[] = [];
  for (const id of scheduled) {
    const n = runs.get(id) ?? 0;
    if (n !== 1) problems.push(`${id} ran ${n}×`);
  }
  if (runs.size !== scheduled.length) problems.push(`${runs.size} distinct jobs ran, ${scheduled.length} were scheduled`);
  if (problems.length > 0) throw new Error(`${lib} ${scenario}: exactly-once violated: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` … (${problems.length} problems)` : ""}`);
}

export function countRun(runs: Map<string, number>, id: string): void {
  runs.set(id, (runs.get(id) ?? 0) + 1);
}
