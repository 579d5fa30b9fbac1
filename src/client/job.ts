import { JobNotFoundError, JobStateError } from "../errors.js";
import type { JobSnapshot, RescheduleOptions } from "../interfaces.js";
import { toMilliseconds, type Duration } from "../options/duration.js";
import { encodeRecurrence, type Recurrence } from "../options/recurrence.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import { cancel, destroy, reschedule } from "../redis/scripts/job-commands.js";
import type { Queries } from "../store/queries.js";
import { decodeRecord } from "../redis/record.js";
import { toSnapshot } from "../store/job-record.js";

/** What a job handle needs to talk to Redis. */
export interface JobContext {
  readonly runner: () => ScriptRunner;
  readonly queries: () => Queries;
}

/** A handle on one job: a snapshot of its fields, read at creation or at the last refresh(). */
export interface Job<P = unknown> extends JobSnapshot<P> {}

export class Job<P = unknown> {
  readonly #ctx: JobContext;

  constructor(ctx: JobContext, snapshot: JobSnapshot<P>) {
    this.#ctx = ctx;
    this.#take(snapshot);
  }

  /** Reads the job again; throws JobNotFoundError if it was destroyed or removed by retention. */
  async refresh(): Promise<this> {
    this.#take((await readSnapshot(this.#ctx, this.id, "job.refresh")) as JobSnapshot<P>);
    return this;
  }

  // Field by field, not Object.assign: a handle is made for every job scheduled, and the generic
  // assign was measurably slower on bulk schedules. A test checks that every snapshot field is copied.
  #take(s: JobSnapshot<P>): void {
    const self = this as { -readonly [K in keyof JobSnapshot<P>]: JobSnapshot<P>[K] };
    self.id = s.id;
    self.type = s.type;
    self.status = s.status;
    self.payload = s.payload;
    self.priority = s.priority;
    self.runAt = s.runAt;
    self.createdAt = s.createdAt;
    self.attempts = s.attempts;
    self.retriesLeft = s.retriesLeft;
    self.retries = s.retries;
    self.startedAt = s.startedAt;
    self.finishedAt = s.finishedAt;
    self.durationMs = s.durationMs;
    self.error = s.error;
    self.recurrence = s.recurrence;
    self.schemaHash = s.schemaHash;
    self.poolId = s.poolId;
    self.cancelRequested = s.cancelRequested;
    self.deferred = s.deferred;
  }

  /**
   * Cancels the job: a queued one at once; an executing one ends cancelled when its attempt ends (its
   * handler's signal aborts), and no retry or recurrence follows. Returns false when it had already
   * ended. Throws JobNotFoundError if there is no such job.
   */
  async cancel(): Promise<boolean> {
    const reply = await this.#withType((type) => cancel(this.#ctx.runner(), type, this.id));
    if (reply.code === "missing") throw new JobNotFoundError("job.cancel", this.id);
    await this.refresh();
    return reply.code !== "unchanged";
  }

  /** Deletes the job and every trace of it. Safe to call again, and on a job that is already gone. */
  async destroy(): Promise<void> {
    await destroy(this.#ctx.runner(), this.type, this.id);
  }

  /**
   * Queues the job again for `at` (a time, or { delay }), from any status but executing, with a fresh
   * retry budget; `{ every }` or `{ cron }` makes it recurring, `{ recurrence: null }` one-off.
   */
  async reschedule(at: Date | number | { delay: Duration }, options: RescheduleOptions = {}): Promise<this> {
    const op = "job.reschedule";
    const runAt = at instanceof Date ? at.getTime() : typeof at === "number" ? at : undefined;
    const delayMs = typeof at === "object" && !(at instanceof Date) ? toMilliseconds(at.delay, "delay", op) : 0;
    const wanted = "every" in options || "cron" in options ? (options as Recurrence) : (options as { recurrence?: Recurrence | null }).recurrence;
    const recurrence = wanted === undefined ? undefined : wanted === null ? {} : encodeRecurrence(wanted, op);
    const reply = await this.#withType((type) => reschedule(this.#ctx.runner(), type, this.id, { runAt, delayMs, recurrence }));
    if (reply.code === "missing") throw new JobNotFoundError(op, this.id);
    if (reply.code === "executing") throw new JobStateError(op, this.id, "executing", "a running job cannot be rescheduled; cancel it or wait for it to end");
    return this.refresh();
  }

  /** Runs a single-job script with this job's type; if the stored type differs, once more with that. */
  async #withType<R extends { code: string; detail: string }>(run: (type: string) => Promise<R>): Promise<R> {
    const reply = await run(this.type);
    return reply.code === "other-type" ? run(reply.detail) : reply;
  }
}

export async function readSnapshot(ctx: JobContext, id: string, op: string): Promise<JobSnapshot> {
  const raw = await ctx.queries().readRecord(id, op);
  if (raw === null) throw new JobNotFoundError(op, id);
  return toSnapshot(id, decodeRecord(id, raw, op));
}
