import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Pool } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { jobsKey, keyOf, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// A pool in a child process is killed with SIGKILL while it runs jobs; a second pool takes over.
// At-least-once, with duplicates bounded: every job ends finished, none is lost, and only the jobs
// the dead pool held at the moment it died run twice (once there, once in the survivor).

type M = { alpha: { n: number }; beta: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

const LEASE_TIME = "2s";
const childScript = fileURLToPath(new URL("./pool-child.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
});

/** Starts pool-child.ts and resolves once it printed "ready". */
async function startChild(namespace: string, typeNames: readonly string[], executions: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx/esm", childScript], {
    cwd: repoRoot,
    env: {
      ...process.env,
      REDIS_URL: server().url, NAMESPACE: namespace, TYPES: typeNames.join(","), EXECUTIONS: executions,
      LEASE_TIME, CONCURRENCY: "4", WORK_MS: "300",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("ready\n")) resolve();
    });
    child.once("exit", (code, signal) => reject(new Error(`pool-child exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

async function counts(list: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (const entry of await redis().lrange(list, 0, -1)) seen.set(entry, (seen.get(entry) ?? 0) + 1);
  return seen;
}

async function executingNow(namespace: string, typeNames: readonly string[]): Promise<string[]> {
  const held = await Promise.all(typeNames.map(async (type) => (await redis().zrange(keyOf(namespace, "executing", type), "0", "-1")).map((id) => `${type}:${id}`)));
  return held.flat().sort();
}

/**
 * Schedules `perType` jobs of each type, lets a child pool run some, kills it mid-run, recovers with
 * the survivors made by `survivors`, and checks the at-least-once guarantees.
 */
async function crashAndRecover(typeNames: readonly ("alpha" | "beta")[], perType: number, survivors: (b: ReturnType<typeof bundle<M>>, handler: (type: string) => (p: unknown, job: { id: string }) => Promise<void>) => Pool[]): Promise<void> {
  const b = bundle<M>(types);
  const { jobs, namespace } = b;
  const executions = `executions:${namespace}`;
  const all: string[] = [];
  for (const type of typeNames) {
    const scheduled = await jobs.scheduleBulk(type, Array.from({ length: perType }, (_, n) => ({ n })));
    all.push(...scheduled.map((job) => `${type}:${job.id}`));
  }
  all.sort();

  const child = await startChild(namespace, typeNames, executions);
  // Some jobs done, some mid-run: the dead pool leaves both kinds behind.
  await waitUntil(async () => {
    if ((await redis().llen(executions)) < 8) return false;
    const started = await counts(executions);
    return (await executingNow(namespace, typeNames)).some((key) => started.has(key));
  }, 30_000, "the child pool ran no jobs");
  await killHard(child);

  // With its process gone, the executing sets hold exactly what the dead pool had claimed.
  const heldAtDeath = await executingNow(namespace, typeNames);
  const runBeforeDeath = await counts(executions);
  expect(heldAtDeath.length).toBeGreaterThan(0);
  expect(heldAtDeath.length).toBeLessThanOrEqual(4);

  const recovered = new Set<string>();
  const handler = (type: string) => async (_p: unknown, job: { id: string }) => void (await redis().rpush(executions, `${type}:${job.id}`));
  for (const pool of survivors(b, handler)) {
    pool.on("recovered", (ids) => ids.forEach((id) => recovered.add(id)));
    await pool.start();
  }
  await waitUntil(async () => {
    const finished = await Promise.all(typeNames.map((type) => redis().zcard(keyOf(namespace, "finished", type))));
    return finished.reduce((a, n) => a + n, 0) === all.length;
  }, 30_000, "not every job finished after recovery");

  // None lost: every job is finished, by its record and by its set, and no other set, nor the queue list, holds anything.
  const records = await redis().hgetall(jobsKey(namespace));
  expect(Object.keys(records).length).toBe(all.length);
  for (const [id, raw] of Object.entries(records)) expect(JSON.parse(raw.slice(0, raw.indexOf("\n"))).s, id).toBe("finished");
  for (const type of typeNames) {
    for (const kind of ["ready", "scheduled", "executing", "failed", "cancelled", "rejected"] as const) {
      expect(await redis().zcard(keyOf(namespace, kind, type)), `${kind}:${type}`).toBe(0);
    }
    expect(await redis().llen(keyOf(namespace, "queue", type)), `queue:${type}`).toBe(0);
  }

  // At least once: every job ran. Duplicates bounded: only the jobs held at death ran twice, at most.
  const ran = await counts(executions);
  expect([...ran.keys()].sort()).toEqual(all);
  const twice = [...ran].filter(([, n]) => n > 1).map(([key]) => key).sort();
  expect(twice.every((key) => heldAtDeath.includes(key)), `ran twice: ${twice}, held at death: ${heldAtDeath}`).toBe(true);
  expect(Math.max(...ran.values())).toBeLessThanOrEqual(2);
  // The kill did catch jobs mid-run (the handler takes 300 ms; the kill follows the check at once).
  expect(twice.length).toBeGreaterThan(0);
  // A job the dead pool had finished ran there only; what it had held was recovered by the survivors.
  for (const [key, n] of runBeforeDeath) if (!heldAtDeath.includes(key)) expect(ran.get(key), key).toBe(n);
  expect(heldAtDeath.map((key) => key.slice(key.indexOf(":") + 1)).every((id) => recovered.has(id))).toBe(true);
}

describe("crash recovery with real processes", () => {
  it("a pool killed with SIGKILL mid-run: a second pool recovers its jobs; all finish, only those it held run twice", async () => {
    await crashAndRecover(["alpha"], 40, (b, handler) => [b.pool({ handlers: { alpha: handler("alpha") }, concurrency: 4, leaseTime: LEASE_TIME })]);
  }, 60_000);

  it("a dead pool of two types is recovered by two pools of one type each", async () => {
    await crashAndRecover(["alpha", "beta"], 20, (b, handler) => [
      b.pool({ handlers: { alpha: handler("alpha") }, concurrency: 4, leaseTime: LEASE_TIME }),
      b.pool({ handlers: { beta: handler("beta") }, concurrency: 4, leaseTime: LEASE_TIME }),
    ]);
  }, 60_000);
});
