/**
 * npm run bench [-- --quick] [--scale] [--json] [--rounds N] [--only scenario[,scenario]] [--libs lib[,lib]]
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
import { burst, idleLatencyProc } from "./scenarios/deployed.js";
import { opsBulkRetry } from "./scenarios/ops-bulk.js";
import { redisWork } from "./scenarios/redis-work.js";
import { scheduleBulk, scheduleOne } from "./scenarios/schedule.js";
import type { Metric, Scenario, Sizes } from "./scenarios/scenario.js";
import { validation } from "./scenarios/validation.js";
import { opsThroughputCost } from "./scenarios/ops-throughput.js";
import { observabilityCost } from "./scenarios/observability.js";
import { atScale } from "./scenarios/scale.js";
import { verifyScan } from "./scenarios/verify-scan.js";

const SCENARIOS: readonly Scenario[] = [
  scheduleOne, scheduleBulk, processC1, processC10, processC50, processTwoProcs, idleLatency, idleLatencyProc, burst, redisWork, validation,
  opsBulkRetry, opsThroughputCost, verifyScan, observabilityCost, atScale,
];
const FULL: Sizes = { scheduleOne: 10_000, scheduleBulk: 20_000, process: 20_000, latency: 1000, latencyProc: 2000, bursts: 5, work: 2000, memory: 20_000, verify: 200_000 };
// Smaller, so that --quick can afford three rounds: one round's ratio is one draw of the host's noise.
const QUICK: Sizes = { scheduleOne: 1500, scheduleBulk: 5000, process: 4000, latency: 300, latencyProc: 600, bursts: 2, work: 1000, memory: 5000, verify: 50_000 };

const groups = [...new Set(SCENARIOS.flatMap((s) => (s.group ? [s.group] : [])))];
const USAGE = `npm run bench [-- --quick] [--scale] [--json] [--rounds N] [--only scenario[,scenario]] [--libs lib[,lib]]
  --quick   smaller sizes, 3 rounds (default rounds: 3, --scale 1)
  --libs    only these libraries (${LIBS.join(", ")}): to look into one library's rows, not for ratios
  --scale   the rows at a million jobs instead of the others (scenarios marked [scale])
scenarios: ${SCENARIOS.map((s) => s.name + (s.scale ? " [scale]" : "")).join(", ")}; groups: ${groups.join(", ")}`;

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean" }, scale: { type: "boolean" }, json: { type: "boolean" }, rounds: { type: "string" }, only: { type: "string" }, libs: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const sizes = args.quick ? QUICK : FULL;
const rounds = Number(args.rounds ?? (args.scale ? 1 : 3));
const only = args.only?.split(",");
const onlyLibs = args.libs?.split(",");
if (onlyLibs?.some((name) => !(LIBS as readonly string[]).includes(name))) throw new Error(`--libs takes some of: ${LIBS.join(", ")}`);
const candidates = SCENARIOS.filter((s) => Boolean(s.scale) === Boolean(args.scale));
const scenarios = only ? candidates.filter((s) => only.includes(s.name) || (s.group !== undefined && only.includes(s.group))) : candidates;
if (scenarios.length === 0) throw new Error(`--only matches none of: ${candidates.map((s) => s.name).join(", ")}`);

const redis = await BenchRedis.start();
const results = new Results();
const started = Date.now();
const log = (what: string, lib: string, metrics: readonly Metric[]) =>
  console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${what} ${lib}: ${metrics.map((m) => `${m.row} ${m.value.toFixed(2)}`).join("; ")}`);
let queueNo = 0;
try {
  for (const scenario of scenarios) {
    const names = (scenario.libs ?? LIBS).filter((name) => !onlyLibs || onlyLibs.includes(name));
    for (let round = 0; round < rounds; round++) {
      // Rotate who goes first, so no library always runs on the warmest (or coldest) server.
      const order = names.map((_, k) => names[(k + round) % names.length]!);
      const libs = await Promise.all(order.map((name) => adapter(name)));
      if ("together" in scenario) {
        await redis.flush();
        const byLib = await scenario.runAll({ redis, libs, sizes, queue: `bench${++queueNo}`, round });
        for (const [lib, metrics] of byLib) {
          results.add(lib, metrics, round);
          log(`${scenario.name} round ${round + 1}`, lib, metrics);
        }
        continue;
      }
      for (const lib of libs) {
        await redis.flush();
        const metrics = await scenario.run({ redis, lib, sizes, queue: `bench${++queueNo}`, round });
        results.add(lib.name, metrics, round);
        log(`${scenario.name} round ${round + 1}`, lib.name, metrics);
      }
    }
  }
} finally {
  await redis.stop();
}
console.log(`\n${results.table()}\n`);
if (args.json) for (const row of results.summary()) console.log(JSON.stringify(row));
console.error(`total ${((Date.now() - started) / 1000).toFixed(0)} s, ${rounds} round(s), sizes ${JSON.stringify(sizes)}`);
