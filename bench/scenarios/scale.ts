import { payload, type Admin, type LibAdapter, type Producer } from "../adapters/adapter.js";
import { BenchRedis } from "../redis.js";
import { assertExactlyOnce, countRun, median, sleep, until } from "../stats.js";
import { perSecond, type Metric, type PerLibScenario, type RunContext } from "./scenario.js";

// BENCH_SCALE_JOBS sets a smaller backlog, to try the scenario out; the rows are named after it.
const BACKLOG = Number(process.env.BENCH_SCALE_JOBS ?? 1_000_000);
const LABEL = BACKLOG >= 1e6 ? `${BACKLOG / 1e6}M` : `${BACKLOG / 1e3}k`;
/** Jobs processed per measurement, and the waiting jobs of the small-backlog reference. */
const SAMPLE = 20_000;
/** Measurements per side, the sides alternating (reference first, then backlog first, ...). */
const PAIRS = 3;
const CONCURRENCY = 50;
const ONE_BY_ONE_BLOCK = 500;
const BULK_BLOCK = 5;
const FILL_CHUNK = 1000;
const DELAY_MS = 24 * 3_600_000;
const LIST_LIMIT = 100;
const DEEP_OFFSET = BACKLOG * 0.9;
const OP_REPEATS = 9;
const TIMEOUT_MS = 600_000;

/**
 * The rows at a million jobs, each library in turn. One server holds the backlog (a million waiting
 * jobs, then a million delayed ones); a second, started for the purpose, holds the reference the
 * backlog's rows are compared with: the same work on a nearly empty Redis. The two sides' measurements
 * alternate, so the host's drift hits both. The backlog is filled in bulk calls of 1,000.
 *
 * Exactly once: the reference's jobs are all processed and checked as in the process rows; of the
 * backlog, every job that ran ran once and was one scheduled, and the jobs still waiting afterwards
 * are all the others (none lost, none doubled).
 */
export const atScale: PerLibScenario = {
  name: "scale",
  scale: true,
  async run(ctx: RunContext): Promise<Metric[]> {
    const ref = await BenchRedis.start();
    try {
      return [...(await waitingBacklog(ctx, ref)), ...(await delayedBacklog(ctx, ref))];
    } finally {
      await ref.stop();
    }
  },
};

async function waitingBacklog({ redis, lib, queue }: RunContext, ref: BenchRedis): Promise<Metric[]> {
  const out: Metric[] = [];
  const q = `${queue}-waiting`;
  const producer = await lib.producer(redis.url, q);
  const scheduled = new Set<string>();
  const memoryBefore = await usedMemory(redis);
  const t0 = performance.now();
  for (const id of await fill(producer, BACKLOG + PAIRS * SAMPLE)) scheduled.add(id);
  const fillRate = perSecond(scheduled.size, performance.now() - t0);
  await sleep(100);
  out.push(
    { row: `fill a backlog of ${LABEL} in bulk calls of 1,000`, unit: "jobs/s", better: "higher", value: fillRate },
    { row: `Redis memory / waiting job, ${LABEL} waiting`, unit: "bytes", better: "lower", value: ((await usedMemory(redis)) - memoryBefore) / scheduled.size },
  );

  const refProducer = await lib.producer(ref.url, `${queue}-ref`);
  const one = await scheduleOneByOne([refProducer, producer], (id) => scheduled.add(id));
  const bulk = await scheduleBulkBlocks([refProducer, producer], (id) => scheduled.add(id));
  await refProducer.close();
  out.push(...scheduleRows(one, bulk, `${LABEL} waiting`));

  // The operator's calls, on the backlog as it stands (no pool running).
  const admin = await lib.admin(redis.url, q);
  out.push(
    { row: `counts(), ${LABEL} waiting`, unit: "ms", better: "lower", value: await timed(OP_REPEATS, () => admin.counts()) },
    { row: `list waiting jobs, page 1 (${LIST_LIMIT}), ${LABEL} waiting`, unit: "ms", better: "lower", value: await timed(OP_REPEATS, () => expectListed(admin, 0)) },
    { row: `list waiting jobs, offset ${DEEP_OFFSET.toLocaleString("en-US")} (${LIST_LIMIT}), ${LABEL} waiting`, unit: "ms", better: "lower", value: await timed(3, () => expectListed(admin, DEEP_OFFSET)) },
  );
  // The newest jobs, each the newest when it is cancelled.
  const newest = one.newest.slice(-OP_REPEATS).reverse();
  const cancelMs: number[] = [];
  for (const id of newest) {
    const start = performance.now();
    await admin.cancel(id);
    cancelMs.push(performance.now() - start);
    scheduled.delete(id);
  }
  out.push({ row: `cancel the newest waiting job, ${LABEL} waiting`, unit: "ms", better: "lower", value: median(cancelMs) });

  const processed = await processPairs(lib, ref, redis, q, `${queue}-ref-process`);
  await checkBacklog(lib.name, admin, scheduled, processed.backlogRuns);
  await admin.close();
  await producer.close();
  out.push(...processRows(processed, `${LABEL} waiting`));
  return out;
}

async function delayedBacklog({ redis, lib, queue }: RunContext, ref: BenchRedis): Promise<Metric[]> {
  await redis.flush();
  await ref.flush();
  const out: Metric[] = [];
  const q = `${queue}-delayed`;
  const producer = await lib.producer(redis.url, q);
  const scheduled = new Set<string>();
  const memoryBefore = await usedMemory(redis);
  for (let i = 0; i < BACKLOG; i += FILL_CHUNK) {
    for (const id of await producer.addBulkDelayed(chunk(i, Math.min(FILL_CHUNK, BACKLOG - i)), DELAY_MS)) scheduled.add(id);
  }
  await sleep(100);
  out.push({ row: `Redis memory / delayed job, ${LABEL} delayed`, unit: "bytes", better: "lower", value: ((await usedMemory(redis)) - memoryBefore) / scheduled.size });

  const refProducer = await lib.producer(ref.url, `${queue}-ref`);
  const one = await scheduleOneByOne([refProducer, producer], (id) => scheduled.add(id));
  await refProducer.close();
  out.push(...scheduleRows(one, undefined, `${LABEL} delayed`));

  // The due jobs each measurement processes, beside the delayed ones.
  for (const id of await fill(producer, PAIRS * SAMPLE, BACKLOG)) scheduled.add(id);
  const admin = await lib.admin(redis.url, q);
  const processed = await processPairs(lib, ref, redis, q, `${queue}-ref-process`);
  await checkBacklog(lib.name, admin, scheduled, processed.backlogRuns);
  await admin.close();
  await producer.close();
  out.push(...processRows(processed, `${LABEL} delayed beside`));
  return out;
}

function chunk(from: number, n: number) {
  return Array.from({ length: n }, (_, k) => payload(from + k));
}

async function fill(producer: Producer, n: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += FILL_CHUNK) ids.push(...(await producer.addBulk(chunk(from + i, Math.min(FILL_CHUNK, n - i)))));
  return ids;
}

async function usedMemory(redis: BenchRedis): Promise<number> {
  return Number((await redis.info("memory")).used_memory);
}

/** Median time of `n` calls, one after the other. */
async function timed(n: number, call: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await call();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

async function expectListed(admin: Admin, offset: number): Promise<void> {
  const n = await admin.listWaiting(offset, LIST_LIMIT);
  if (n !== LIST_LIMIT) throw new Error(`listing at offset ${offset} returned ${n} jobs, not ${LIST_LIMIT}`);
}

interface Paired {
  /** Per block, the reference's rate and the backlog's. */
  readonly ref: number[];
  readonly backlog: number[];
  /** The ids scheduled one by one onto the backlog, oldest first. */
  readonly newest: string[];
}

/** Awaited schedules in blocks, alternating between the reference and the backlog, after a warm-up of each. */
async function scheduleOneByOne([ref, backlog]: [Producer, Producer], scheduled: (id: string) => void): Promise<Paired> {
  const out: Paired = { ref: [], backlog: [], newest: [] };
  let n = 0;
  for (let i = 0; i < 200; i++) {
    await ref.add(payload(-1 - i));
    scheduled(await backlog.add(payload(-1 - i)));
  }
  for (let b = 0; b < 2 * PAIRS; b++) {
    for (const side of b % 2 === 0 ? (["ref", "backlog"] as const) : (["backlog", "ref"] as const)) {
      const producer = side === "ref" ? ref : backlog;
      // Both sides keep their ids alike while timed; the backlog's are recorded after: adding to a
      // set of a million ids (which may grow while timed) is the harness's cost, not the library's.
      const ids: string[] = [];
      const start = performance.now();
      for (let i = 0; i < ONE_BY_ONE_BLOCK; i++) ids.push(await producer.add(payload(2 * BACKLOG + n++)));
      out[side].push(perSecond(ONE_BY_ONE_BLOCK, performance.now() - start));
      if (side === "backlog") {
        ids.forEach(scheduled);
        out.newest.push(...ids);
      }
    }
  }
  return out;
}

async function scheduleBulkBlocks([ref, backlog]: [Producer, Producer], scheduled: (id: string) => void): Promise<Paired> {
  const out: Paired = { ref: [], backlog: [], newest: [] };
  let n = 3 * BACKLOG;
  for (let b = 0; b < 2 * PAIRS; b++) {
    for (const side of b % 2 === 0 ? (["ref", "backlog"] as const) : (["backlog", "ref"] as const)) {
      const producer = side === "ref" ? ref : backlog;
      const ids: string[] = [];
      const start = performance.now();
      for (let i = 0; i < BULK_BLOCK; i++) {
        ids.push(...(await producer.addBulk(chunk(n, FILL_CHUNK))));
        n += FILL_CHUNK;
      }
      out[side].push(perSecond(BULK_BLOCK * FILL_CHUNK, performance.now() - start));
      if (side === "backlog") ids.forEach(scheduled);
    }
  }
  return out;
}

/** The median of the per-pair ratios backlog ÷ reference. */
function pairedRatio(p: { ref: number[]; backlog: number[] }): number {
  return median(p.backlog.map((x, i) => x / p.ref[i]!));
}

function scheduleRows(one: Paired, bulk: Paired | undefined, backlog: string): Metric[] {
  const rows: Metric[] = [
    { row: `schedule one by one, ${backlog}`, unit: "jobs/s", better: "higher", value: median(one.backlog) },
    { row: `schedule one by one, ${backlog} ÷ empty Redis`, unit: "ratio", better: "higher", value: pairedRatio(one) },
  ];
  if (bulk) {
    rows.push(
      { row: `schedule bulk (1000/call), ${backlog}`, unit: "jobs/s", better: "higher", value: median(bulk.backlog) },
      { row: `schedule bulk (1000/call), ${backlog} ÷ empty Redis`, unit: "ratio", better: "higher", value: pairedRatio(bulk) },
    );
  }
  return rows;
}

interface Processed {
  readonly ref: number[];
  readonly backlog: number[];
  /** How often each job of the backlog ran, over every measurement. */
  readonly backlogRuns: Map<string, number>;
}

/**
 * Processing at c=50, alternating: SAMPLE jobs scheduled onto the reference and all processed (the
 * process rows' measurement, checked exactly once), and SAMPLE jobs processed off the backlog.
 */
async function processPairs(lib: LibAdapter, ref: BenchRedis, backlog: BenchRedis, queue: string, refQueue: string): Promise<Processed> {
  const out: Processed = { ref: [], backlog: [], backlogRuns: new Map() };
  const hash = lib.recordsHash?.(queue);
  const before = hash && (await hashState(backlog, hash));
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const side of pair % 2 === 0 ? (["ref", "backlog"] as const) : (["backlog", "ref"] as const)) {
      if (side === "backlog") {
        // Counted in a map of this pair's runs, as the reference's are, and merged after the timing.
        const runs = new Map<string, number>();
        out.backlog.push(await processSome(lib, backlog.url, queue, SAMPLE, runs));
        for (const [id, n] of runs) out.backlogRuns.set(id, (out.backlogRuns.get(id) ?? 0) + n);
        continue;
      }
      await ref.flush();
      const producer = await lib.producer(ref.url, `${refQueue}${pair}`);
      const ids = await fill(producer, SAMPLE);
      await producer.close();
      const runs = new Map<string, number>();
      out.ref.push(await processSome(lib, ref.url, `${refQueue}${pair}`, SAMPLE, runs));
      assertExactlyOnce(lib.name, "scale reference", ids, runs);
    }
  }
  if (hash) console.error(`  scale: ${lib.name}'s ${hash} before the backlog's turns: ${before}; after: ${await hashState(backlog, hash)}`);
  return out;
}

/**
 * A hash's size, and whether Redis is still moving it to a table twice as large: a hash value is
 * rehashed only as commands touch it, so every turn run meanwhile pays for a slice of the move.
 */
async function hashState(redis: BenchRedis, hash: string): Promise<string> {
  const fields = (await redis.admin.hlen(hash)).toLocaleString("en-US");
  const moved = await redis.rehashing(hash);
  return moved === undefined ? `${fields} fields, settled` : `${fields} fields, rehashing (${(moved * 100).toFixed(0)} % moved)`;
}

/** A pool at c=50 started on the queue and closed once `n` jobs completed; jobs/s until then. */
async function processSome(lib: LibAdapter, url: string, queue: string, n: number, runs: Map<string, number>): Promise<number> {
  let done = 0;
  const worker = await lib.worker(url, queue, CONCURRENCY, { onRun: (id) => countRun(runs, id), onDone: () => done++ });
  const t0 = performance.now();
  await worker.start();
  await until(() => done >= n, TIMEOUT_MS, `${lib.name}: ${n} jobs processed off a backlog`);
  const rate = perSecond(n, performance.now() - t0);
  await worker.close();
  return rate;
}

function processRows(p: Processed, backlog: string): Metric[] {
  return [
    { row: `process, 1 pool, c=${CONCURRENCY}, ${backlog}`, unit: "jobs/s", better: "higher", value: median(p.backlog) },
    { row: `process, 1 pool, c=${CONCURRENCY}, ${backlog} ÷ ${SAMPLE.toLocaleString("en-US")} waiting`, unit: "ratio", better: "higher", value: pairedRatio(p) },
  ];
}

/** Of the backlog: every job that ran ran once and was scheduled; every other job is still to run. */
async function checkBacklog(lib: string, admin: Admin, scheduled: ReadonlySet<string>, runs: ReadonlyMap<string, number>): Promise<void> {
  const problems: string[] = [];
  for (const [id, n] of runs) {
    if (n !== 1) problems.push(`${id} ran ${n}×`);
    if (!scheduled.has(id)) problems.push(`${id} ran but was not scheduled`);
  }
  const unrun = await admin.unrun();
  if (unrun !== scheduled.size - runs.size) problems.push(`${unrun} jobs are still to run, ${scheduled.size - runs.size} should be (${scheduled.size} scheduled, ${runs.size} ran)`);
  if (problems.length > 0) throw new Error(`${lib} scale: exactly-once violated: ${problems.slice(0, 5).join("; ")}`);
}
