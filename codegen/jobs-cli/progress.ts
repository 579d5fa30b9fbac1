import type { BulkProgress } from "typed-jobs";

/** A one-line progress report on stderr, rewritten after every batch; silent when stderr is no terminal. */
export class ProgressLine {
  private readonly live = process.stderr.isTTY === true;
  private shown = false;

  constructor(private readonly verb: string) {}

  update(p: BulkProgress): void {
    if (!this.live) return;
    const share = p.total > 0 ? ` (${Math.min(100, Math.floor((p.scanned / p.total) * 100))} %)` : "";
    process.stderr.write(`\r\x1b[K${this.verb}: ${p.scanned} of ~${p.total} scanned${share}, ${p.matched} matched, ${p.changed} changed`);
    this.shown = true;
  }

  end(): void {
    if (this.shown) process.stderr.write("\r\x1b[K");
  }
}
