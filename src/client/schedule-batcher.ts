import type { RedisClient } from "../redis/connection.js";
import { schedule, scheduleOne, type ScheduleEntry, type ScheduleResult } from "../redis/scripts/schedule.js";
import type { ScriptRunner } from "../redis/script-runner.js";

/** Calls held at most: a long burst goes out in slices, so Redis and the pools start on it while the rest is made. */
const MAX_HELD = 100;
/** Record bytes held at most: large payloads go in smaller slices, so no one script call holds Redis long. */
const MAX_HELD_BYTES = 1024 * 1024;

interface Held {
  readonly entry: ScheduleEntry;
  readonly resolve: (result: ScheduleResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Joins the schedule calls of one tick into script calls of many jobs (schedule.lua, one per job
 * type), as scheduleBulk would have made: a request handler that schedules a thousand jobs one call
 * at a time pays Redis for ten batches, not a thousand calls. The tick's first call goes at once, as
 * it always did (scheduleOne.lua, which may hand its job straight to an idle pool), so an awaited
 * call pays nothing for the rest. Each call still gets its own result, and a batch that fails fails
 * each of its calls with the same error.
 *
 * Commands keep the order they were made in: any other command sent on the connection first sends
 * the calls held before it, so a read or a cancel made after a schedule call in the same tick sees
 * its job.
 */
export class ScheduleBatcher {
  private tickStarted = false;
  private held: Held[] = [];
  private heldBytes = 0;
  private readonly endTick = (): void => {
    this.tickStarted = false;
    this.flush();
  };

  constructor(redis: RedisClient, private readonly runner: ScriptRunner) {
    // Every command, ioredis's own included, goes through sendCommand (of a standalone client or a Cluster).
    const client = redis as unknown as { sendCommand(...args: unknown[]): unknown };
    const send = client.sendCommand.bind(client);
    client.sendCommand = (...args) => {
      if (this.held.length > 0) this.flush();
      return send(...args);
    };
  }

  schedule(entry: ScheduleEntry): Promise<ScheduleResult> {
    if (!this.tickStarted) {
      this.tickStarted = true;
      process.nextTick(this.endTick);
      return scheduleOne(this.runner, entry);
    }
    return new Promise((resolve, reject) => {
      this.heldBytes += entry.recordTail.length;
      if (this.held.push({ entry, resolve, reject }) < MAX_HELD && this.heldBytes < MAX_HELD_BYTES) return;
      this.flush();
      // A full slice is not held to the end of the tick with the connection's other writes.
      this.runner.flushWrites();
    });
  }

  /** Sends the calls held, one script call per job type. */
  private flush(): void {
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    this.heldBytes = 0;
    const type = held[0]!.entry.type;
    if (held.every((h) => h.entry.type === type)) return this.send(held);
    const byType = new Map<string, Held[]>();
    for (const h of held) {
      const batch = byType.get(h.entry.type);
      if (batch) batch.push(h);
      else byType.set(h.entry.type, [h]);
    }
    for (const batch of byType.values()) this.send(batch);
  }

  private send(batch: Held[]): void {
    if (batch.length === 1) {
      const [only] = batch as [Held];
      scheduleOne(this.runner, only.entry).then(only.resolve, only.reject);
      return;
    }
    schedule(this.runner, batch.map((h) => h.entry)).then(
      (results) => results.forEach((result, i) => batch[i]!.resolve(result)),
      (error: unknown) => batch.forEach((h) => h.reject(error)),
    );
  }
}
