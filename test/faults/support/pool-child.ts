/**
 * A pool in a process of its own, for the fault scenarios: `node --import tsx pool-child.ts`.
 * Configured by env: REDIS_URL, NS (namespace), TAG (name in the execution log), CONCURRENCY,
 * LEASE ("1s"), GRACE (close grace period). It counts every execution in Redis (see contract.ts),
 * reports "ready", pool errors and "closed" over IPC, and on the message "close" closes its pool and exits.
 */
import { Redis } from "ioredis";
import { createJobs } from "../../../src/index.js";
import { doneKey, execKey, faultTypes, type FaultJobs, type WorkPayload } from "./contract.js";

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`pool-child: ${name} is not set`);
  return value;
};
const namespace = env("NS");
const tag = env("TAG", `pid${process.pid}`);
const send = (message: object): void => void process.send?.(message);

// The execution log has its own connection that waits through any outage, and a write Redis refuses
// (out of memory) is tried again: a count must never be lost, nor fail the job it counts.
const log = new Redis(env("REDIS_URL"), { maxRetriesPerRequest: null, protocol: 2, retryStrategy: () => 50 });
log.on("error", () => undefined);
async function record(key: string, field: string): Promise<void> {
  for (;;) {
    try {
      await log.hset(key, field, tag);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

// Retention is set out of the way: the audit must see every job the scenario scheduled.
const retention = { finishedCount: 10_000_000, failedCount: 10_000_000 };
const jobs = createJobs<FaultJobs>(faultTypes, { redis: env("REDIS_URL"), namespace, retention });
const pool = jobs.createPool({
  handlers: {
    work: async (payload: WorkPayload, job) => {
      const field = `${job.id}#${job.attempt}`;
      await record(execKey(namespace), field);
      if (payload.kind === "hang") await new Promise(() => undefined);
      if (payload.kind === "throw") throw payload.value;
      if (payload.kind === "throw-unprintable") {
        const value = Object.create(null) as Record<string, unknown>;
        value.self = value;
        throw value;
      }
      if (payload.kind === "block" && job.attempt === 1) {
        const until = Date.now() + (payload.ms ?? 0);
        while (Date.now() < until) {
          // Busy: the event loop, the heartbeat with it, is stuck here.
        }
      } else if (payload.ms) {
        await new Promise((resolve) => setTimeout(resolve, payload.ms));
      }
      await record(doneKey(namespace), field);
    },
  },
  concurrency: Number(env("CONCURRENCY", "10")),
  leaseTime: env("LEASE", "1s"),
  closeGracePeriod: env("GRACE", "10s"),
  idleWait: "1s",
});
pool.on("error", (error) => send({ type: "error", name: error.name, code: error.code, message: error.message }));

// As a deploy does on SIGTERM: close the pool, then exit (a handler still running past the grace
// period dies with the process; its job was handed back).
process.on("message", (message: { cmd?: string }) => {
  if (message.cmd !== "close") return;
  void pool.close().then(() => {
    send({ type: "closed" });
    process.exit(0);
  });
});

await pool.start();
send({ type: "ready", poolId: pool.id });
