import { randomUUID } from "node:crypto";
import type { BulkProgress, BulkSelection } from "../interfaces.js";
import type { Operations } from "../ops/operations-api.js";
import type { LiveFeed } from "./live-feed.js";

export type BulkAction = "retry" | "cancel" | "destroy";

export interface BulkTask {
  readonly id: string;
  readonly action: BulkAction;
  readonly selection: BulkSelection;
  progress: BulkProgress | null;
  done: boolean;
  error: string | null;
}

/** Tasks kept for late readers; older ones are forgotten. */
const KEPT = 50;

/**
 * Bulk actions run on the server after the request that started them is answered; each batch's
 * progress is pushed to every open page as a `bulk` event.
 */
export class BulkTasks {
  private readonly tasks = new Map<string, BulkTask>();
  private readonly running = new Set<AbortController>();

  constructor(private readonly ops: Operations, private readonly feed: LiveFeed) {}

  get(id: string): BulkTask | undefined {
    return this.tasks.get(id);
  }

  /** Starts the action; resolves once it has passed its checks (a bad selection rejects, nothing done). */
  async start(action: BulkAction, selection: BulkSelection): Promise<BulkTask> {
    const task: BulkTask = { id: randomUUID(), action, selection, progress: null, done: false, error: null };
    const abort = new AbortController();
    this.running.add(abort);
    let started!: () => void;
    const firstBatch = new Promise<void>((resolve) => (started = resolve));
    const run = (action === "retry" ? this.ops.retryAll : action === "cancel" ? this.ops.cancelAll : this.ops.destroyAll).call(this.ops, selection, {
      signal: abort.signal,
      onProgress: (progress) => {
        task.progress = progress;
        started();
        this.feed.broadcast("bulk", task);
      },
    });
    const finished = run.then(
      (progress) => {
        task.progress = progress;
        task.done = true;
      },
      (error: unknown) => {
        task.done = true;
        task.error = error instanceof Error ? error.message : String(error);
      },
    ).finally(() => {
      this.running.delete(abort);
      this.feed.broadcast("bulk", task);
    });
    // The selection is checked before the first batch: a mistake fails the request itself.
    await Promise.race([firstBatch, run.then(() => undefined)]);
    this.remember(task);
    void finished;
    return task;
  }

  /** Stops running actions between batches. */
  close(): void {
    for (const abort of this.running) abort.abort();
  }

  private remember(task: BulkTask): void {
    this.tasks.set(task.id, task);
    while (this.tasks.size > KEPT) this.tasks.delete(this.tasks.keys().next().value!);
  }
}
