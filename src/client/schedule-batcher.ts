import type { RedisClient } from "../redis/connection.js";
import { schedule, scheduleOne, type ScheduleEntry, type ScheduleResult } from "../redis/scripts/schedule.js";
import type { ScriptRunner } from "../redis/script-runner.js";

/** Jobs of one type per script call at most: a long burst goes out in slices, so Redis and the pools start on it while the rest is made. */
const MAX_BATCH = 100;

interface Waiting {
  readonly entry: ScheduleEntry;
  readonly resolve: (result: ScheduleResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Joins the schedule calls a tick makes for one job type into one script call (schedule.lua), as
 * scheduleBulk would have: a request handler that schedules a thousand jobs one call at a time
 * pays Redis for ten batches, not a thousand calls. A call alone in its tick goes as it always did
 * (scheduleOne.lua, which may hand the job straight to an idle pool). Each call still gets its own
 * result, and a batch that fails fails each of its calls with the same error.
 *
 * Commands keep the order they were made in: any other command sent on the connection first sends
 * the calls held before it, so a read or a cancel made after a schedule call in the same tick sees
 * its job.
 */
export class ScheduleBatcher {
  private readonly waiting = new Map<string, Waiting[]>();
  private held = 0;

  constructor(private readonly redis: RedisClient, private readonly runner: ScriptRunner) {
    // Every command, ioredis's own included, goes through sendCommand (of a standalone client or a Cluster).
    const client = redis as unknown as { sendCommand(...args: unknown[]): unknown };
    const send = client.sendCommand.bind(client);
    client.sendCommand = (...args) => {
      if (this.held > 0) this.flush();
      return send(...args);
    };
  }

  schedule(entry: ScheduleEntry): Promise<ScheduleResult> {
    return new Promise((resolve, reject) => {
      let batch = this.waiting.get(entry.type);
      if (!batch) {
        batch = [];
        this.waiting.set(entry.type, batch);
      }
      batch.push({ entry, resolve, reject });
      if (this.held++ === 0) process.nextTick(this.flush);
      if (batch.length === MAX_BATCH) {
        this.waiting.delete(entry.type);
        this.held -= batch.length;
        this.send(batch);
        // A full batch is not held to the end of the tick with the connection's other writes.
        this.runner.flushWrites();
      }
    });
  }

  /** Sends every call held, one script call per job type. */
  readonly flush = (): void => {
    if (this.held === 0) return;
    const batches = [...this.waiting.values()];
    this.waiting.clear();
    this.held = 0;
    for (const batch of batches) this.send(batch);
  };

  private send(batch: Waiting[]): void {
    if (batch.length === 1) {
      const [only] = batch;
      scheduleOne(this.runner, only!.entry).then(only!.resolve, only!.reject);
      return;
    }
    schedule(this.runner, batch.map((waiting) => waiting.entry)).then(
      (results) => results.forEach((result, i) => batch[i]!.resolve(result)),
      (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
    );
  }
}
