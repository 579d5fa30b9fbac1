// node bench/ab/builds.mjs <dirA> <dirB> [blocks]   (ONLY=one,bulk,process,latency to pick rows;
//   CONCURRENCY=1,10,50 and PROCESS_N=3000 for the process rows)
// Two built packages of typed-jobs (each a directory holding dist/, e.g. two worktrees) in one process
// on one private redis-server, their calls in alternating blocks (order swapped every block), so load
// from other processes hits both alike. Prints, per row, each build's median and the median of the
// per-block ratios B/A.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { existsSync } from "node:fs";

const [dirA, dirB, blocksArg] = process.argv.slice(2);
const BLOCKS = Number(blocksArg ?? 30);
const ONLY = (process.env.ONLY ?? "one,bulk,process,latency").split(",");
const want = (n) => ONLY.includes(n);
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, () => { const p = s.address().port; s.close(() => res(p)); }); });
const port = await freePort();
const server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
for (let i = 0; i < 100; i++) { try { if (execFileSync("redis-cli", ["-p", String(port), "PING"]).toString().trim() === "PONG") break; } catch {} await sleep(50); }
const url = `redis://127.0.0.1:${port}`;
const flush = () => execFileSync("redis-cli", ["-p", String(port), "FLUSHALL"]);

// With its identities listed, as a generated module gives them: a build that compares identities at claim takes its newest-version path.
const type = { name: "welcome", schemaHash: "ab", identities: ["ab"], schema: {}, check: (v) => true, errors: () => [] };
const libs = [];
for (const [label, dir] of [["A", dirA], ["B", dirB]]) libs.push({ label, dir, createJobs: (await import(existsSync(`${dir}/dist/index.js`) ? `${dir}/dist/index.js` : `${dir}/dist/src/index.js`)).createJobs });
const payload = (i) => ({ userId: i, email: `user${i}@example.com` });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
let nsNo = 0;
const runtime = (lib) => lib.createJobs({ welcome: type }, { redis: url, namespace: `ab${++nsNo}` });

/** Runs `block(lib, b)` for both libs, BLOCKS times, order swapped each block; returns per-lib lists of its results. */
async function alternate(name, blocks, block) {
  const out = { A: [], B: [] };
  for (let b = 0; b < blocks; b++) {
    const order = b % 2 === 0 ? libs : [...libs].reverse();
    for (const lib of order) out[lib.label].push(await block(lib, b));
  }
  return out;
}

function report(name, unit, better, out) {
  const a = median(out.A), b = median(out.B);
  // per-pair ratio B/A, median over the blocks
  const ratios = out.A.map((x, i) => out.B[i] / x);
  console.log(JSON.stringify({ row: name, unit, better, A: a, B: b, "B/A": b / a, "median pair B/A": median(ratios), "pair B/A p25-p75": [pct(ratios, 25), pct(ratios, 75)], blocks: out.A.length }));
}

// schedule one by one: awaited schedules, 250 per block, jobs/s
if (want("one")) {
  const rts = new Map(libs.map((l) => [l.label, runtime(l)]));
  for (const l of libs) for (let i = 0; i < 300; i++) await rts.get(l.label).schedule("welcome", payload(i));
  const out = await alternate("one", BLOCKS * 2, async (lib, b) => {
    const jobs = rts.get(lib.label);
    const t0 = performance.now();
    for (let i = 0; i < 250; i++) await jobs.schedule("welcome", payload(i));
    return 250 / ((performance.now() - t0) / 1000);
  });
  report("schedule one by one", "jobs/s", "higher", out);
  for (const j of rts.values()) await j.close();
  flush();
}

// schedule bulk: 1000 per call, 5 calls per block, jobs/s
if (want("bulk")) {
  const rts = new Map(libs.map((l) => [l.label, runtime(l)]));
  const batch = Array.from({ length: 1000 }, (_, i) => payload(i));
  for (const l of libs) await rts.get(l.label).scheduleBulk("welcome", batch);
  const out = await alternate("bulk", BLOCKS, async (lib) => {
    const jobs = rts.get(lib.label);
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await jobs.scheduleBulk("welcome", batch);
    return 5000 / ((performance.now() - t0) / 1000);
  });
  report("schedule bulk (1000/call)", "jobs/s", "higher", out);
  for (const j of rts.values()) await j.close();
  flush();
}

// Redis's time inside script calls (commandstats, the scripts' own commands included) and its CPU, in µs.
const redisInfo = (section) => execFileSync("redis-cli", ["-p", String(port), "INFO", section]).toString();
const redisCost = () => ({
  scripts: Number(/cmdstat_fcall:calls=\d+,usec=(\d+)/.exec(redisInfo("commandstats"))?.[1] ?? 0),
  cpu: ((info) => (Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1])) * 1e6)(redisInfo("cpu")),
});

// process: N jobs queued, then a pool drains them; jobs/s from start to the last finished, and
// Redis's script time and CPU per processed job meanwhile
const CONCURRENCIES = (process.env.CONCURRENCY ?? "1,10,50").split(",").map(Number);
for (const concurrency of want("process") ? CONCURRENCIES : []) {
  const N = Number(process.env.PROCESS_N ?? 3000);
  const batch = Array.from({ length: 1000 }, (_, i) => payload(i));
  const out = await alternate(`c${concurrency}`, Math.ceil(BLOCKS / CONCURRENCIES.length), async (lib) => {
    const jobs = runtime(lib);
    for (let i = 0; i < N / 1000; i++) await jobs.scheduleBulk("welcome", batch);
    let done = 0;
    let resolve;
    const all = new Promise((r) => (resolve = r));
    const pool = jobs.createPool({ concurrency, handlers: { welcome: async () => undefined } });
    pool.on("finished", () => { if (++done === N) resolve(); });
    execFileSync("redis-cli", ["-p", String(port), "CONFIG", "RESETSTAT"]);
    const before = redisCost();
    const t0 = performance.now();
    await pool.start();
    await all;
    const rate = N / ((performance.now() - t0) / 1000);
    const after = redisCost();
    await pool.close();
    await jobs.close();
    flush();
    return { rate, scripts: after.scripts / N, cpu: (after.cpu - before.cpu) / N };
  });
  const pick = (key) => ({ A: out.A.map((r) => r[key]), B: out.B.map((r) => r[key]) });
  report(`process, 1 pool, c=${concurrency}`, "jobs/s", "higher", pick("rate"));
  report(`process, 1 pool, c=${concurrency}: Redis's time in scripts per job`, "µs", "lower", pick("scripts"));
  report(`process, 1 pool, c=${concurrency}: Redis's CPU per job`, "µs", "lower", pick("cpu"));
}

// idle latency: both pools idle at once; per block 100 jobs 1 ms apart to one build, schedule call → handler start
if (want("latency")) {
  const setups = new Map();
  for (const lib of libs) {
    const jobs = runtime(lib);
    const sentAt = new Map();
    const lat = [];
    const pool = jobs.createPool({ concurrency: 10, handlers: { welcome: async (p) => void lat.push(performance.now() - sentAt.get(p.userId)) } });
    await pool.start();
    setups.set(lib.label, { jobs, sentAt, lat, pool });
  }
  await sleep(500);
  let id = 0;
  const out50 = { A: [], B: [] }, out99 = { A: [], B: [] };
  const res = await alternate("latency", BLOCKS, async (lib) => {
    const s = setups.get(lib.label);
    s.lat.length = 0;
    const adds = [];
    for (let i = 0; i < 100; i++) { const n = ++id; s.sentAt.set(n, performance.now()); adds.push(s.jobs.schedule("welcome", payload(n))); await sleep(1); }
    await Promise.all(adds);
    while (s.lat.length < 100) await sleep(2);
    await sleep(20);
    return [...s.lat];
  });
  const all = { A: res.A.flat(), B: res.B.flat() };
  for (const k of ["A", "B"]) { out50[k] = res[k].map((l) => pct(l, 50)); }
  console.log(JSON.stringify({ row: "idle latency p50 (all samples)", unit: "ms", A: pct(all.A, 50), B: pct(all.B, 50), "B/A": pct(all.B, 50) / pct(all.A, 50), samples: all.A.length }));
  console.log(JSON.stringify({ row: "idle latency p99 (all samples)", unit: "ms", A: pct(all.A, 99), B: pct(all.B, 99), "B/A": pct(all.B, 99) / pct(all.A, 99), samples: all.A.length }));
  report("idle latency p50 (per block)", "ms", "lower", out50);
  for (const s of setups.values()) { await s.pool.close(); await s.jobs.close(); }
}
server.kill();
process.exit(0);
