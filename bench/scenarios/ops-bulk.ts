import { Redis } from "ioredis";
import { createJobs } from "typed-jobs";
import { welcomeType } from "../adapters/typed-jobs.js";
import { percentile } from "../stats.js";
import { perSecond, type Metric, type Scenario } from "./scenario.js";

// Writes failed jobs straight into the data model (docs/data-model.md), a chunk per script call:
// running a million jobs through a failing handler would take far longer than the action measured.
const WRITE_FAILED = `
local jobs, failed = KEYS[1], KEYS[2]
local from, to, endedAt = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
for i = from, to do
  local id = "f" .. i
  redis.call("HSET", jobs, id, '{"t":"welcome","s":"failed","at":' .. endedAt .. ',"ft":' .. endedAt
    .. ',"a":1,"e":{"name":"Error","message":"down"}}\\n{"userId":' .. i .. ',"email":"u' .. i .. '@example.com"}')
  redis.call("ZADD", failed, endedAt, id)
end
return 0
`;

/** Another client's PING round trips, back to back, until stopped: what Redis's other users see. */
function pingLoop(url: string): { stop(): Promise<number[]> } {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const samples: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const start = performance.now();
      await client.ping();
      samples.push(performance.now() - start);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      client.disconnect();
      return samples;
    },
  };
}

/** retryAll over a million failed jobs of one type: its rate, and another client's PING p99 meanwhile. */
export const opsBulkRetry: Scenario = {
  name: "ops",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue }): Promise<Metric[]> {
    // --quick runs a tenth of it (its process size is the smaller one).
    const n = sizes.process >= 20_000 ? 1_000_000 : 100_000;
    const endedAt = Date.now() - 3_600_000;
    for (let from = 0; from < n; from += 20_000) {
      await redis.admin.eval(WRITE_FAILED, 2, `tj:{${queue}}:jobs`, `tj:{${queue}}:failed:welcome`, from, Math.min(n, from + 20_000) - 1, endedAt);
    }
    const jobs = createJobs({ welcome: welcomeType(false) }, { redis: redis.url, namespace: queue });
    try {
      const pings = pingLoop(redis.url);
      const start = performance.now();
      const progress = await jobs.retryAll({ type: "welcome", status: "failed" });
      const ms = performance.now() - start;
      const samples = await pings.stop();
      if (progress.changed !== n) throw new Error(`ops: retryAll changed ${progress.changed} of ${n}`);
      return [
        { row: "bulk retry, failed jobs / s", unit: "jobs/s", better: "higher", value: perSecond(n, ms) },
        { row: "PING p99 during bulk retry", unit: "ms", better: "lower", value: percentile(samples, 99) },
        { row: "bulk retry batches", unit: "calls", better: "lower", value: progress.batches },
      ];
    } finally {
      await jobs.close();
    }
  },
};
