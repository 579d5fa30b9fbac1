import { beeQueue } from "../adapters/bee-queue.js";
import { payload, type Payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { createJobs } from "../../src/index.js";
import { checkPayload, newJobId, scheduleEntry } from "../../src/client/schedule-entry.js";
import { createRedisClient } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/keys.js";
import { ScriptRunner } from "../../src/redis/script-runner.js";
import { scheduleOne, type QueueLengths } from "../../src/redis/scripts/schedule.js";
import { median } from "../stats.js";
import { alternate } from "./alternate.js";
import type { Metric, Scenario } from "./scenario.js";

const BLOCK = 250;
const MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * Where an awaited schedule's time goes: the same one-by-one loop with typed-jobs' layers added one
 * at a time, beside bee-queue's whole call, in alternating blocks on one server. Its rows are the
 * microseconds per call of each.
 */
export const scheduleLayers: Scenario = {
  name: "schedule-layers",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue }): Promise<Metric[]> {
    const welcome = welcomeType(true);
    const redisClient = createRedisClient(redis.url);
    const runner = new ScriptRunner(redisClient, new KeySpace("tj:", `${queue}-script`));
    // What the runtime sends for a job due now at priority 0 onto a queue that holds many jobs
    // (scheduleOne in scripts/schedule.ts): the id and the record tail, taken from one entry so that
    // only the payload varies.
    const tailPrefix = scheduleEntry("schedule", welcome, payload(0), {}, MAX_PAYLOAD_BYTES).recordTail.split("\n")[0] + "\n";
    const queueLengths: QueueLengths = new Map();
    const jobs = createJobs<{ welcome: Payload }>({ welcome }, { redis: redis.url, namespace: queue });
    const bee = await beeQueue.producer(redis.url, `${queue}-bee`);
    const layers: [string, (p: Payload) => Promise<unknown>][] = [
      ["scheduleOntoBusyQueue.lua through ScriptRunner and ioredis", (p) => runner.run("scheduleOntoBusyQueue", "redis.schedule", ["welcome"], [newJobId(), tailPrefix + JSON.stringify(p)])],
      [
        "+ payload check and entry",
        (p) => {
          checkPayload("schedule", welcome, p);
          return scheduleOne(runner, scheduleEntry("schedule", welcome, p, {}, MAX_PAYLOAD_BYTES), queueLengths);
        },
      ],
      ["jobs.schedule (+ the Job handle)", (p) => jobs.schedule("welcome", p)],
      ["bee-queue createJob().save()", (p) => bee.add(p)],
    ];
    // The bare call's queue must hold jobs, as it does for the runtime's.
    for (let i = 0; i < BLOCK; i++) await layers[1]![1](payload(i));
    const blocks = Math.ceil((2 * sizes.scheduleOne) / BLOCK);
    const variants = layers.map(([, call]) => async (b: number) => {
      for (let i = 0; i < BLOCK; i++) await call(payload(b * BLOCK + i));
    });
    await alternate(variants, 2);
    const ms = await alternate(variants, blocks);
    await Promise.all([jobs.close(), bee.close(), redisClient.quit()]);
    return layers.map(([name], k) => ({ row: `one call: ${name}`, unit: "µs", better: "lower", value: (median(ms[k]!) * 1000) / BLOCK }));
  },
};
