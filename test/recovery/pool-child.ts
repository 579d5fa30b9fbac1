/**
 * A pool in its own process, for the crash-recovery tests: the test kills it with SIGKILL while it
 * runs jobs. Every execution is recorded in Redis (RPUSH <list> "<type>:<id>") before the handler
 * works for a while, so the test can count executions across processes.
 *
 * Run: node --import tsx/esm test/recovery/pool-child.ts
 * Environment: REDIS_URL, NAMESPACE, TYPES (comma-separated), EXECUTIONS (list key), LEASE_TIME,
 * CONCURRENCY, WORK_MS. Prints "ready" once the pool has started.
 */
import { Redis } from "ioredis";
import { createJobs, type JobType } from "../../src/index.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`pool-child: ${name} is not set`);
  return value;
};

const url = env("REDIS_URL");
const typeNames = env("TYPES").split(",");
const executions = env("EXECUTIONS");
const workMs = Number(env("WORK_MS"));

const anyJobType = (name: string): JobType<unknown> => ({
  name,
  schemaHash: `test-${name}`,
  schema: {},
  check: (_value: unknown): _value is unknown => true,
  errors: () => [],
});

const recorder = new Redis(url, { protocol: 2 });
const jobs = createJobs<Record<string, unknown>>(Object.fromEntries(typeNames.map((t) => [t, anyJobType(t)])), { redis: url, namespace: env("NAMESPACE") });

const handlers = Object.fromEntries(typeNames.map((type) => [type, async (_payload: unknown, job: { id: string }) => {
  await recorder.rpush(executions, `${type}:${job.id}`);
  // The work itself: long enough that a kill finds several jobs mid-run.
  await new Promise((resolve) => setTimeout(resolve, workMs));
}]));

const pool = jobs.createPool({ handlers, concurrency: Number(env("CONCURRENCY")), leaseTime: env("LEASE_TIME") });
pool.on("error", (error) => process.stderr.write(`pool-child: ${error.message}\n`));
await pool.start();
process.stdout.write("ready\n");
