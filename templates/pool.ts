/*
 * Template of the pool section of the generated module (see templates/module.ts for the markers).
 * The lines outside the section are stubs that keep it valid TypeScript.
 */
import { createJobs, InvalidOptionError, type Handler, type Pool, type PoolTuning } from "typed-jobs";

type JobPayloads = { __JOB_NAME__: { stub: true } };
type JobName = keyof JobPayloads;
declare const jobs: ReturnType<typeof createJobs<JobPayloads>>;
declare const jobNames: readonly JobName[];

// @jobs:template pool
// ---------------------------------------------------------------------------
// Pools
// ---------------------------------------------------------------------------

/** One handler per job type in K; each gets its typed payload and the running job. */
export type JobHandlers<K extends JobName = JobName> = { readonly [T in K]: Handler<JobPayloads[T]> };

/** Options of createPool: a handler for every job type of the contract, and the pool's tuning. */
export interface CreatePoolOptions extends PoolTuning {
  /** A handler for every job type; a missing one is a compile error. */
  readonly handlers: JobHandlers;
}

/** Options of createPoolFor: handlers for exactly the named job types, and the pool's tuning. */
export interface CreatePoolForOptions<K extends JobName> extends PoolTuning {
  readonly handlers: JobHandlers<K>;
}

/**
 * A worker pool that runs every job type of the contract. Call `start()` to begin claiming and
 * `close()` on shutdown. To run only some types, use createPoolFor, which names them explicitly.
 */
export function createPool(options: CreatePoolOptions): Pool {
  return jobs.createPool<JobName>({ ...options, types: jobNames });
}

/**
 * A worker pool for the job types named in `types` only: it claims nothing else, and its handlers
 * must be exactly those types (a missing or an extra handler is a compile error, and an error at
 * run time for untyped callers).
 */
export function createPoolFor<const K extends JobName>(types: readonly K[], options: NoInfer<CreatePoolForOptions<K>>): Pool {
  const wanted = [...new Set<string>(types)].sort();
  const named = Object.keys(options.handlers).sort();
  if (wanted.join(",") !== named.join(",")) {
    throw new InvalidOptionError("createPoolFor", "handlers", `must name exactly ${wanted.join(", ") || "(none)"}; got ${named.join(", ") || "(none)"}`);
  }
  return jobs.createPool<K>(options);
}
// @jobs:end
