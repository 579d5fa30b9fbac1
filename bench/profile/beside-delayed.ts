/**
 * Scheduling one by one beside a million delayed jobs, without the scale scenario's harness around it:
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/profile/beside-delayed.ts [delayed] [rounds]
 * Two private redis-servers, one empty and one holding `delayed` jobs (default 1,000,000) due in a
 * day; then, alternating between them each round, 2,000 awaited typed-jobs schedule calls, 2,000
 * PINGs and 2,000 HSETNX into the jobs hash. Prints the median µs per call on each side and the
 * empty side's over the other's (a rate ratio, as the scale rows give it).
 */
import { Redis } from "ioredis";
import { createJobs } from "typed-jobs";
import { payload, type Payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { BenchRedis } from "../redis.js";
import { median } from "../stats.js";

const delayed = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 6);
const CALLS = 2000;

const servers = [await BenchRedis.start(), await BenchRedis.start()];
const sides = servers.map((server) => createJobs<{ welcome: Payload }>({ welcome: welcomeType(true) }, { redis: server.url, namespace: "probe" }));
const raw = servers.map((server) => new Redis(server.url));
for (let i = 0; i < delayed; i += 1000) {
  await sides[1]!.scheduleBulk("welcome", Array.from({ length: Math.min(1000, delayed - i) }, (_, k) => payload(i + k)), { delay: 86_400_000 });
}
for (const jobs of sides) for (let i = 0; i < 200; i++) await jobs.schedule("welcome", payload(i));

const kinds = {
  schedule: (s: number, i: number) => sides[s]!.schedule("welcome", payload(i)),
  ping: (s: number) => raw[s]!.ping(),
  hsetnx: (s: number, i: number, round: number) => raw[s]!.hsetnx("tj:{probe}:jobs", `probe-${round}-${i}`, "v".repeat(200)),
};
const perCall: Record<string, number[][]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, [[], []]]));
for (let round = 0; round < rounds; round++) {
  for (const s of round % 2 ? [1, 0] : [0, 1]) {
    for (const [name, call] of Object.entries(kinds)) {
      const t0 = performance.now();
      for (let i = 0; i < CALLS; i++) await call(s, i, round);
      perCall[name]![s]!.push(((performance.now() - t0) * 1000) / CALLS);
    }
  }
}
for (const [name, [empty, beside]] of Object.entries(perCall)) {
  console.log(`${name.padEnd(9)} µs/call: empty ${median(empty!).toFixed(1)}, beside ${delayed.toLocaleString("en-US")} delayed ${median(beside!).toFixed(1)}; empty ÷ beside ${(median(empty!) / median(beside!)).toFixed(3)}`);
}
for (const client of raw) client.disconnect();
for (const jobs of sides) await jobs.close();
for (const server of servers) await server.stop();
