/**
 * How one attempt is stopped early (timeout, cancel, lost lease). The handler's AbortSignal is made
 * only when the handler reads it: making one costs several µs per attempt on Node 20, most
 * handlers never look at it, and the pool itself waits on `aborted` instead (made only when a
 * handler returns a promise, too).
 */
export class AttemptAbort {
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  private rejectAborted: ((reason: Error) => void) | undefined;
  private abortedPromise: Promise<never> | undefined;

  /**
   * Rejects with the reason once the attempt is aborted; never resolves. Made when first asked for:
   * only a handler that returns a promise is raced against it.
   */
  get aborted(): Promise<never> {
    if (!this.abortedPromise) {
      this.abortedPromise = this.reason ? Promise.reject(this.reason) : new Promise<never>((_, reject) => (this.rejectAborted = reject));
      this.abortedPromise.catch(() => undefined);
    }
    return this.abortedPromise;
  }

  /** Why the attempt was aborted, once it was. */
  get abortedBy(): Error | undefined {
    return this.reason;
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
    this.rejectAborted?.(reason);
  }
}
