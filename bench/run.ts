/**
 * npm run bench [-- --quick] [--json] [--rounds N] [--only scenario[,scenario]]
 * Runs every scenario for typed-jobs, BullMQ and bee-queue in turn, several rounds, on one private
 * redis-server, and prints the medians with typed-jobs' ratios to the others. typed-jobs is the built
 * package (`dist/`, through its own name), as users run it: `npm run bench` builds it first.
 */
import { parseArgs } from "node:util";
import { adapter, LIBS } from "./adapters/adapter.js";
import { BenchRedis } from "./redis.js";
import { Results } from "./report.js";
import { processC1, processC10, processC50, processTwoProcs } from "./scenarios/process.js";
import { idleLatency } from "./scenarios/latency.js";
import { opsBulkRetry } from "./scenarios/ops-bulk.js";
import { redisWork } from "./scenarios/redis-work.js";
import { scheduleBulk, scheduleOne } from "./scenarios/schedule.js";
import type { Scenario, Sizes } from "./scenarios/scenario.js";
import { validation } from "./scenarios/validation.js";
import { opsThroughputCost } from "./scenarios/ops-throughput.js";
import { observabilityCost } from "./scenarios/observability.js";

const SCENARIOS: readonly Scenario[] = [scheduleOne, scheduleBulk, processC1, processC10, processC50, processTwoProcs, idleLatency, redisWork, validation, opsBulkRetry, opsThroughputCost, observabilityCost];
const FULL: Sizes = { scheduleOne: 10_000, scheduleBulk: 20_000, process: 20_000, latency: 1000, work: 2000, memory: 20_000 };
const QUICK: Sizes = { scheduleOne: 2000, scheduleBulk: 5000, process: 5000, latency: 300, work: 1000, memory: 5000 };

const USAGE = `npm run bench [-- --quick] [--json] [--rounds N] [--only scenario[,scenario]]
scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}; groups: ${[...new Set(SCENARIOS.flatMap((s) => (s.group ? [s.group] : [])))].join(", ")}`;

const { values: args } = parseArgs({
  options: { quick: { type: "boolean" }, json: { type: "boolean" }, rounds: { type: "string" }, only: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const sizes = args.quick ? QUICK : FULL;
const rounds = Number(args.rounds ?? (args.quick ? 1 : 3));
const only = args.only?.split(",");
const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name) || (s.group !== undefined && only.includes(s.group))) : SCENARIOS;
if (scenarios.length === 0) throw new Error(`--only matches none of: ${SCENARIOS.map((s) => s.name).join(", ")}`);

const redis = await BenchRedis.start();
const results = new Results();
const started = Date.now();
let queueNo = 0;
try {
  for (const scenario of scenarios) {
    const libs = scenario.libs ?? LIBS;
    for (let round = 0; round < rounds; round++) {
      // Rotate who goes first, so no library always runs on the warmest (or coldest) server.
      for (let k = 0; k < libs.length; k++) {
        const lib = await adapter(libs[(k + round) % libs.length]!);
        await redis.flush();
        const metrics = await scenario.run({ redis, lib, sizes, queue: `bench${++queueNo}`, round });
        results.add(lib.name, metrics);
        console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${scenario.name} round ${round + 1} ${lib.name}: ${metrics.map((m) => `${m.row} ${m.value.toFixed(2)}`).join("; ")}`);
      }
    }
  }
} finally {
  await redis.stop();
}
console.log(`\n${results.table()}\n`);
if (args.json) for (const row of results.summary()) console.log(JSON.stringify(row));
console.error(`total ${((Date.now() - started) / 1000).toFixed(0)} s, ${rounds} round(s), sizes ${JSON.stringify(sizes)}`);
