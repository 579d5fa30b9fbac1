import type { EventEmitter } from "node:events";
import type { JobSnapshot, PoolEvents } from "../interfaces.js";
import type { Duration } from "../options/duration.js";

/** What a handler gets besides its payload: the job as claimed, and a signal to stop early. */
export interface RunningJob<P> {
  readonly id: string;
  readonly type: string;
  /** 1 on the first attempt of the job's life. */
  readonly attempt: number;
  readonly payload: P;
  /** The job as claimed; its `payload` is the same value as `payload` above, parsed once. */
  readonly job: JobSnapshot<P>;
  /**
   * Aborts when the job is cancelled while running, its timeout passes, its lease is lost (another pool
   * took the job over), or the pool's close grace period ends. A handler that stops early on it ends the
   * attempt sooner; one that ignores it still has its result discarded when no longer its own.
   */
  readonly signal: AbortSignal;
}

/** Runs one job; throwing or rejecting (with anything, Error or not) fails the attempt. */
export type Handler<P> = (payload: P, job: RunningJob<P>) => unknown;

export interface PoolTuning {
  /** Jobs run at once. Default 10. */
  readonly concurrency?: number;
  /**
   * Most jobs claimed for free slots in one round trip (jobs claimed ahead come on top, see
   * claimAhead). Default: half the concurrency, rounded up, so that while one claim's jobs start the
   * next claim is already on its way (two are in flight at most).
   */
  readonly batchSize?: number;
  /** How long a claimed job stays the pool's without renewal (albrow's StaleTimeout). Default "30s". */
  readonly leaseTime?: Duration;
  /** How often leases are renewed. Default leaseTime / 3. */
  readonly heartbeatInterval?: Duration;
  /** Longest an idle pool blocks before it looks again (it wakes at once when work arrives). Default "5s". */
  readonly idleWait?: Duration;
  /** How long close() lets running jobs finish before it hands them back. Default "10s". */
  readonly closeGracePeriod?: Duration;
  /** How often expired leases are looked for. Default leaseTime / 2. */
  readonly reapInterval?: Duration;
  /** A job recovered from dead pools more often than this fails with LeaseExpiredError. Default 5. */
  readonly maxLeaseRecoveries?: number;
  /**
   * While handlers finish in microseconds, claim the jobs expected to start within the next 5 ms
   * along with those for free slots, so a pool at low concurrency does not wait a round trip per job.
   * Such a job shows `executing` from its claim, a few milliseconds before its handler starts; one not
   * started within 50 ms (handlers slowed down) is handed back to the queue. Slow handlers never
   * claim ahead. Default true; false claims only for free slots.
   */
  readonly claimAhead?: boolean;
  /**
   * Count the jobs this pool finishes and the attempts that fail in each type's per-minute
   * throughput series (`throughput()`, `stats`): a counter or two per type per settle call. Default
   * true; false leaves this pool's work out of the series.
   */
  readonly throughput?: boolean;
  /**
   * What start() does when Redis cannot be reached: false (the default) rejects with the error and
   * closes the pool; true resolves at once and keeps trying, reporting each failure as an `error`.
   */
  readonly waitForRedis?: boolean;
  /**
   * A job stamped with a contract identity this pool's build does not know (a newer producer's, or a
   * rolled-back one's) is never run here: it waits deferred, no attempt used, for a pool that knows
   * it, and once this long has passed since this pool deferred it, a pool that does not know it
   * rejects it. Default "24h".
   */
  readonly unknownContractDeadline?: Duration;
  /** Unique per pool; default random, with host and pid for observers. */
  readonly id?: string;
}

export interface PoolOptions<M, K extends keyof M & string> extends PoolTuning {
  /** One handler per job type the pool runs; it claims only these types. */
  readonly handlers: { readonly [T in K]: Handler<M[T]> };
  /** The job types the pool must run: createPool throws unless each has a handler, and no other has. Default: the handlers' types. */
  readonly types?: readonly K[];
}

export interface Pool extends EventEmitter<PoolEvents> {
  readonly id: string;
  /** The job types this pool claims. */
  readonly types: readonly string[];
  /**
   * Starts claiming, once a first round trip shows Redis reachable: when it fails, rejects with the
   * error (RedisUnavailableError, op "pool.start") and closes the pool, unless `waitForRedis`.
   */
  start(): Promise<void>;
  /**
   * Stops claiming, lets running jobs finish within the grace period, hands back what it claimed but did
   * not start at once, and what still runs after the grace period. Idempotent.
   */
  close(): Promise<void>;
  /** Jobs running in this pool now. */
  readonly activeCount: number;
}
