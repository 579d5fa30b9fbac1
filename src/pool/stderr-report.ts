import type { JobsError } from "../errors.js";

/** At most one error line per this long: a pool retrying through an outage must not flood the log. */
const ERROR_INTERVAL_MS = 10_000;

/**
 * What a pool with no listener says on stderr rather than nothing: its background errors (rate
 * limited, with a count of those left out) and notices (once each, as the pool sends them).
 */
export class StderrReport {
  private lastErrorAt = -Infinity;
  private leftOut = 0;

  constructor(
    private readonly poolId: string,
    private readonly write: (line: string) => void = (line) => void process.stderr.write(line),
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = ERROR_INTERVAL_MS,
  ) {}

  error(error: JobsError): void {
    const now = this.now();
    if (now - this.lastErrorAt < this.intervalMs) {
      this.leftOut++;
      return;
    }
    const more = this.leftOut > 0 ? ` (${this.leftOut} more since the last report)` : "";
    this.lastErrorAt = now;
    this.leftOut = 0;
    this.write(`typed-jobs: pool ${this.poolId}: ${error.message}${more}; it keeps trying (listen for 'error' events to handle these yourself)\n`);
  }

  notice(text: string): void {
    this.write(`typed-jobs: pool ${this.poolId}: ${text}\n`);
  }
}
