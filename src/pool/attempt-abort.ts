/**
 * How one attempt is stopped early (timeout, cancel, lost lease). The handler's AbortSignal is made
 * only when the handler reads it: an AbortController is costly to make, most
 * handlers never look at it, and the pool itself waits on `race` instead (only for a handler that
 * returns something).
 */
export class AttemptAbort {
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  private rejectRace: ((reason: Error) => void) | undefined;

  /**
   * Settles as `result` does, or rejects with the reason once the attempt is aborted, whichever comes
   * first. One promise per attempt, where Promise.race with a standing "aborted" promise made five.
   */
  race(result: unknown): Promise<unknown> {
    if (this.reason) return Promise.reject(this.reason);
    return new Promise((resolve, reject) => {
      this.rejectRace = reject;
      Promise.resolve(result).then(resolve, reject);
    });
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
    this.rejectRace?.(reason);
  }
}
