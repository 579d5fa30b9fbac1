import { afterAll, afterEach, beforeAll } from "vitest";
import type { Redis } from "ioredis";
import type { Jobs } from "typed-jobs";
import { RedisServer, type RedisServerOptions } from "../../support/redis-server.js";
import { killAll, type ChildPool } from "./child-pool.js";
import type { FaultJobs } from "./contract.js";

/** What a fault test file shares: its redis-server, a client for audits, and what to clean up. */
export interface FaultHarness {
  readonly server: RedisServer;
  readonly redis: Redis;
  /** Child pools, SIGKILLed after each test. */
  readonly children: ChildPool[];
  /** Runtimes, closed after each test. */
  readonly open: Jobs<FaultJobs>[];
}

export function useFaultHarness(options: RedisServerOptions = {}): FaultHarness {
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  const children: ChildPool[] = [];
  const open: Jobs<FaultJobs>[] = [];
  beforeAll(async () => {
    server = await RedisServer.start(options);
    redis = server.client();
  });
  afterEach(async () => {
    await killAll(children);
    await Promise.all(open.splice(0).map((j) => j.close()));
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get redis() {
      return redis!;
    },
    children,
    open,
  };
}
