/** The payload every scenario schedules: small, like a typical "send a welcome email" job. */
export interface Payload {
  readonly userId: number;
  readonly email: string;
}

export function payload(i: number): Payload {
  return { userId: i, email: `user${i}@example.com` };
}

/** Schedules jobs on one queue; every call resolves once Redis has acknowledged the job. */
export interface Producer {
  add(p: Payload): Promise<string>;
  addBulk(ps: readonly Payload[]): Promise<string[]>;
  /** Jobs due `delayMs` from now, in one call. */
  addBulkDelayed(ps: readonly Payload[], delayMs: number): Promise<string[]>;
  close(): Promise<void>;
}

/** What an operator asks of a queue (the rows at scale), each with the library's own call for it. */
export interface Admin {
  /** The job counts by status. */
  counts(): Promise<void>;
  /** The waiting jobs at positions offset.. of the library's waiting list; how many came back. */
  listWaiting(offset: number, limit: number): Promise<number>;
  /** Cancels (removes) a waiting job by id. */
  cancel(id: string): Promise<void>;
  /** Jobs not run yet, with no worker running: waiting, due or delayed, and any a closed worker left taken. */
  unrun(): Promise<number>;
  close(): Promise<void>;
}

/** Runs a no-op handler; `onRun` sees every execution, `onDone` every job whose completion is recorded. */
export interface Worker {
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerHooks {
  readonly onRun: (id: string, p: Payload) => void;
  readonly onDone: () => void;
}

export interface LibAdapter {
  readonly name: LibName;
  producer(url: string, queue: string, opts?: { validate?: boolean }): Promise<Producer>;
  /** Created and connected, but claiming nothing until start(). */
  worker(url: string, queue: string, concurrency: number, hooks: WorkerHooks): Promise<Worker>;
  admin(url: string, queue: string): Promise<Admin>;
  /**
   * The one hash that holds every job of the queue, where the library keeps one: Redis grows a hash's
   * table by doubling and rehashes it only as commands touch it, which the rows at scale report.
   */
  readonly recordsHash?: (queue: string) => string;
}

export type LibName = "typed-jobs" | "BullMQ" | "bee-queue";
export const LIBS: readonly LibName[] = ["typed-jobs", "BullMQ", "bee-queue"];

export async function adapter(name: LibName): Promise<LibAdapter> {
  if (name === "typed-jobs") return (await import("./typed-jobs.js")).typedJobs;
  if (name === "BullMQ") return (await import("./bullmq.js")).bullmq;
  return (await import("./bee-queue.js")).beeQueue;
}
