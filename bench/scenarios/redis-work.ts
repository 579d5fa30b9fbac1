import { payload } from "../adapters/adapter.js";
import type { BenchRedis } from "../redis.js";
import { assertExactlyOnce, countRun, sleep, until } from "../stats.js";
import { fill, type Metric, type Scenario } from "./scenario.js";

/** The benchmark's own admin commands, never counted. */
const ADMIN = new Set(["info", "config|resetstat", "config", "monitor", "flushall", "memory|usage"]);
const SCRIPT_CALLS = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]);

interface Work {
  /** Every command Redis ran, script-internal calls included, EVAL/EVALSHA themselves excluded. */
  readonly commands: number;
  /** Commands clients sent (scripts counted once each, blocking pops included). */
  readonly roundTrips: number;
}

/**
 * Commands from INFO commandstats after CONFIG RESETSTAT; round trips from MONITOR, which tags each
 * command a script runs with the source "lua", so top-level and script-internal calls can be told apart.
 */
async function measure(redis: BenchRedis, work: () => Promise<void>): Promise<Work> {
  const monitor = await redis.admin.monitor();
  let topLevel = 0;
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (source !== "lua" && !ADMIN.has(String(args[0]).toLowerCase())) topLevel++;
  });
  await sleep(50);
  await redis.admin.config("RESETSTAT");
  topLevel = 0;
  await work();
  const calls = await redis.commandCalls();
  await sleep(50);
  monitor.disconnect();
  let commands = 0;
  for (const [cmd, n] of calls) if (!ADMIN.has(cmd) && !SCRIPT_CALLS.has(cmd)) commands += n;
  return { commands, roundTrips: topLevel };
}

/** Redis work per scheduled job, per processed job (c=10), and memory per waiting job. */
export const redisWork: Scenario = {
  name: "redis-work",
  async run({ lib, redis, sizes, queue }): Promise<Metric[]> {
    const n = sizes.work;
    const producer = await lib.producer(redis.url, queue);
    const ids: string[] = [await producer.add(payload(-1))];
    const scheduled = await measure(redis, async () => {
      for (let i = 0; i < n; i++) ids.push(await producer.add(payload(i)));
    });
    const runs = new Map<string, number>();
    let done = 0;
    const worker = await lib.worker(redis.url, queue, 10, { onRun: (id) => countRun(runs, id), onDone: () => done++ });
    const processed = await measure(redis, async () => {
      await worker.start();
      await until(() => done >= ids.length, 60_000, `${lib.name}: work jobs done`);
    });
    await worker.close();
    assertExactlyOnce(lib.name, "redis work", ids, runs);

    await redis.flush();
    const before = Number((await redis.info("memory")).used_memory);
    await fill((ps) => producer.addBulk(ps), sizes.memory);
    await sleep(100);
    const after = Number((await redis.info("memory")).used_memory);
    await producer.close();
    return [
      { row: "Redis commands / scheduled job", unit: "cmds", better: "lower", value: scheduled.commands / n },
      { row: "round trips / scheduled job", unit: "reqs", better: "lower", value: scheduled.roundTrips / n },
      { row: "Redis commands / processed job", unit: "cmds", better: "lower", value: processed.commands / ids.length },
      { row: "round trips / processed job", unit: "reqs", better: "lower", value: processed.roundTrips / ids.length },
      { row: "Redis memory / waiting job", unit: "bytes", better: "lower", value: (after - before) / sizes.memory },
    ];
  },
};
