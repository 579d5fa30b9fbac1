import { afterAll, afterEach, beforeAll } from "vitest";
import { createJobs, type Jobs, type JobType, type Pool, type PoolOptions } from "typed-jobs";
import { RedisServer } from "./redis-server.js";

/**
 * One private redis-server per test file, and a fresh namespace per test, so tests never see each
 * other's jobs. Pools and runtimes made through the bundle are closed after each test.
 */
export function useRedis(): { server: () => RedisServer; bundle: <M>(types: { [K in keyof M]: JobType<M[K]> }, options?: Parameters<typeof createJobs>[1]) => TestBundle<M> } {
  let server: RedisServer | undefined;
  const open: { close(): Promise<void> }[] = [];
  let counter = 0;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    server: () => server!,
    bundle: <M>(types: { [K in keyof M]: JobType<M[K]> }, options = {}) => {
      const namespace = `t${++counter}-${process.pid}`;
      const jobs = createJobs<M>(types, { redis: server!.url, namespace, ...options });
      open.push(jobs);
      return {
        jobs,
        namespace,
        pool: (opts) => {
          const pool = jobs.createPool(opts as never);
          open.unshift(pool);
          return pool;
        },
      };
    },
  };
}

export interface TestBundle<M> {
  readonly jobs: Jobs<M>;
  readonly namespace: string;
  /** A pool closed after the test; close it yourself to test close. It may handle only some of the types. */
  pool<K extends keyof M & string = keyof M & string>(options: PoolOptions<M, K>): Pool;
}

/** A hand-written job type for runtime tests: payload checked by a predicate, errors by a function. */
export function jobType<P>(name: string, check: (value: unknown) => boolean, defaults: Partial<JobType<P>> = {}): JobType<P> {
  return {
    name,
    schemaHash: `test-${name}`,
    schema: {},
    check: (value: unknown): value is P => check(value),
    errors: (value: unknown) => [{ path: "", message: `not a valid ${name} payload: ${JSON.stringify(value)}` }],
    ...defaults,
  };
}

export const anyPayload = (): boolean => true;
