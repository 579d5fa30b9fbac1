// node bench/ab/one-by-one-vs-bee.mjs <dir>...   (BLOCKS=60)
// Awaited one-by-one schedules, blocks of 250 rotating among the given typed-jobs builds (directories
// holding dist/) and bee-queue (createJob().save()), on one private redis-server, in one process.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
const dirs = process.argv.slice(2);
const BLOCKS = Number(process.env.BLOCKS ?? 60);
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, () => { const p = s.address().port; s.close(() => res(p)); }); });
const port = await freePort();
const server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
for (let i = 0; i < 100; i++) { try { if (execFileSync("redis-cli", ["-p", String(port), "PING"]).toString().trim() === "PONG") break; } catch {} await sleep(50); }
const url = `redis://127.0.0.1:${port}`;
const type = { name: "welcome", schemaHash: "ab", schema: {}, check: () => true, errors: () => [] };
const payload = (i) => ({ userId: i, email: `user${i}@example.com` });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const libs = [];
let n = 0;
for (const dir of dirs) {
  const { createJobs } = await import(existsSync(`${dir}/dist/index.js`) ? `${dir}/dist/index.js` : `${dir}/dist/src/index.js`);
  const jobs = createJobs({ welcome: type }, { redis: url, namespace: `ns${++n}` });
  libs.push({ label: dir.split("/").pop(), add: (p) => jobs.schedule("welcome", p) });
}
const BeeQueue = createRequire(import.meta.url)("bee-queue");
const q = new BeeQueue("beeq", { redis: { host: "127.0.0.1", port }, isWorker: false, getEvents: false });
await q.ready();
libs.push({ label: "bee-queue", add: (p) => q.createJob(p).save() });
for (const lib of libs) for (let i = 0; i < 300; i++) await lib.add(payload(i));
const rates = Object.fromEntries(libs.map((l) => [l.label, []]));
for (let b = 0; b < BLOCKS; b++) {
  for (let k = 0; k < libs.length; k++) {
    const lib = libs[(k + b) % libs.length];
    const t0 = performance.now();
    for (let i = 0; i < 250; i++) await lib.add(payload(i));
    rates[lib.label].push(250 / ((performance.now() - t0) / 1000));
  }
}
const bee = rates["bee-queue"];
for (const lib of libs) {
  const r = rates[lib.label];
  console.log(JSON.stringify({ lib: lib.label, median: Math.round(median(r)), "median pair ratio to bee-queue": +median(r.map((x, i) => x / bee[i])).toFixed(3), blocks: r.length }));
}
server.kill();
process.exit(0);
