/**
 * How one attempt is stopped early (timeout, cancel, lost lease). The handler's AbortSignal is made
 * only when the handler reads it: making one costs several µs per attempt on Node 20, most
 * handlers never look at it, and the pool itself waits on `aborted` instead.
 */
export class AttemptAbort {
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  private readonly rejectAborted: (reason: Error) => void;

  /** Rejects with the reason once the attempt is aborted; never resolves. */
  readonly aborted: Promise<never>;

  constructor() {
    let reject!: (reason: Error) => void;
    this.aborted = new Promise<never>((_, r) => (reject = r));
    this.aborted.catch(() => undefined);
    this.rejectAborted = reject;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** The first reason wins, as with AbortController. */
  abort(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(reason);
    this.rejectAborted(reason);
  }
}
