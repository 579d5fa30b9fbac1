import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { createJobs } from "typed-jobs";
import { runVerify, type VerifyJson } from "../../codegen/waiting/verify.js";
import { welcomeEmailType, type WelcomeEmailPayload } from "../../jobs.generated.js";
import type { FromProbe, ToProbe } from "../ping-probe.js";
import { median, percentile } from "../stats.js";
import { perSecond, type Metric, type RunContext, type Scenario } from "./scenario.js";

const SCHEMA = fileURLToPath(new URL("../../jobs.schema.ts", import.meta.url));
const LOCK = fileURLToPath(new URL("../../jobs.lock.json", import.meta.url));
const PROBE = fileURLToPath(new URL("../ping-probe.ts", import.meta.url));
/** Timed verify runs per round, each followed by an idle sample of the probe of the same length. */
const RUNS = 3;
/** One job in ten waits delayed, as a backlog of retries and scheduled work would. */
const DELAYED_EVERY = 10;

/**
 * `jobs-gen verify` over a backlog of waiting jobs: the whole command as a user runs it (the
 * contract loaded, every runnable job read by HSCAN and judged), jobs per second. Meanwhile another
 * process PINGs the same Redis every millisecond: its latency while verify reads, beside the same
 * probe on the idle server, shows what the scan costs other clients; Redis's own time per HSCAN
 * (commandstats) is the most the scan adds to any one reply. verify runs on its own core (pinApart).
 */
export const verifyScan: Scenario = {
  name: "verify-scan",
  group: "ops",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue }: RunContext): Promise<Metric[]> {
    const n = sizes.verify;
    await fillBacklog(redis.url, queue, n);
    const probe = await Probe.start(redis.url);
    const redisPid = Number((await redis.info("server"))["process_id"]);
    const unpin = pinApart([process.pid], [redisPid, probe.pid]);
    try {
      await verifyOnce(redis.url, queue, n); // warm-up: module loading and JIT, not counted
      const rates: number[] = [];
      const busy: number[] = [];
      const idle: number[] = [];
      await redis.admin.config("RESETSTAT");
      for (let run = 0; run < RUNS; run++) {
        probe.begin();
        const ms = await verifyOnce(redis.url, queue, n);
        busy.push(...(await probe.take()));
        rates.push(perSecond(n, ms));
        probe.begin();
        await new Promise((resolve) => setTimeout(resolve, ms));
        idle.push(...(await probe.take()));
      }
      const hscan = /calls=(\d+),usec=(\d+)/.exec((await redis.info("commandstats"))["cmdstat_hscan"] ?? "");
      console.error(`verify-scan: ${rates.map(Math.round).join(", ")} jobs/s; PING max ${Math.max(...busy).toFixed(2)} ms during, ${Math.max(...idle).toFixed(2)} ms idle`);
      return [
        { row: `verify: jobs scanned per second (${n} waiting)`, unit: "jobs/s", better: "higher", value: median(rates) },
        { row: "verify: Redis time per HSCAN batch", unit: "ms", better: "lower", value: hscan ? Number(hscan[2]) / Number(hscan[1]) / 1000 : NaN },
        { row: "verify: other client's PING p99 during the scan", unit: "ms", better: "lower", value: percentile(busy, 99) },
        { row: "verify: other client's PING max during the scan", unit: "ms", better: "lower", value: Math.max(...busy) },
        { row: "verify: same PING p99, server idle", unit: "ms", better: "lower", value: percentile(idle, 99) },
        { row: "verify: same PING max, server idle", unit: "ms", better: "lower", value: Math.max(...idle) },
      ];
    } finally {
      unpin();
      await probe.stop();
    }
  },
};

async function fillBacklog(url: string, namespace: string, n: number): Promise<void> {
  const jobs = createJobs<{ welcomeEmail: WelcomeEmailPayload }>({ welcomeEmail: welcomeEmailType }, { redis: url, namespace });
  try {
    for (let i = 0; i < n; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, n - i) }, (_, k) => payloadOf(i + k));
      const delayed = batch.filter((_, k) => (i + k) % DELAYED_EVERY === 0);
      await jobs.scheduleBulk("welcomeEmail", batch.filter((_, k) => (i + k) % DELAYED_EVERY !== 0));
      await jobs.scheduleBulk("welcomeEmail", delayed, { delay: 3_600_000 });
    }
  } finally {
    await jobs.close();
  }
}

function payloadOf(i: number): WelcomeEmailPayload {
  const hex = i.toString(16).padStart(12, "0");
  return { userId: `00000000-0000-4000-8000-${hex}`, name: `User ${i}`, emailAddress: `user${i}@example.com`, locale: "en" };
}

/** One verify run, checked: every job counted and passing. Returns its duration in ms. */
async function verifyOnce(url: string, namespace: string, n: number): Promise<number> {
  const out: string[] = [];
  const err: string[] = [];
  const t0 = performance.now();
  const code = await runVerify({ schema: SCHEMA, lock: LOCK, redis: url, namespace, prefix: "tj:", json: true, examples: 5 }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`verify exited ${code}: ${err.join("\n")}`);
  const doc = JSON.parse(out.join("\n")) as VerifyJson;
  const pass = doc.types.reduce((sum, t) => sum + t.pass, 0);
  if (doc.scanned.jobs !== n || pass !== n) throw new Error(`verify saw ${doc.scanned.jobs} jobs, ${pass} passing; ${n} were scheduled`);
  return ms;
}

/**
 * Puts verify's process on one core and Redis with the probe on another, as deployed (verify runs on
 * a deploy machine, not on Redis's): on two shared cores the probe's latency would otherwise be the
 * host's scheduling of three busy processes, not Redis's. Returns the undo; without taskset or a
 * second core it pins nothing.
 */
function pinApart(first: readonly number[], second: readonly number[]): () => void {
  const cores = availableParallelism();
  if (cores < 2 || !hasTaskset()) return () => undefined;
  const pin = (pids: readonly number[], cpus: string) => { for (const pid of pids) execFileSync("taskset", ["-a", "-cp", cpus, String(pid)], { stdio: "ignore" }); };
  pin(first, "1");
  pin(second, "0");
  return () => pin([...first, ...second], `0-${cores - 1}`);
}

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The PING probe process (bench/ping-probe.ts). */
class Probe {
  private constructor(private readonly child: ChildProcess) {}

  static async start(url: string): Promise<Probe> {
    const child = fork(PROBE, [url], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    await new Promise<void>((resolve, reject) => {
      child.once("message", (m: FromProbe) => (m.kind === "ready" ? resolve() : reject(new Error(`probe said ${m.kind}`))));
      child.once("exit", (code) => reject(new Error(`ping probe exited with ${code}`)));
    });
    return new Probe(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  begin(): void {
    this.child.send({ kind: "start" } satisfies ToProbe);
  }

  take(): Promise<number[]> {
    return new Promise((resolve) => {
      this.child.once("message", (m: FromProbe) => resolve(m.kind === "sample" ? m.ms : []));
      this.child.send({ kind: "take" } satisfies ToProbe);
    });
  }

  async stop(): Promise<void> {
    this.child.removeAllListeners("exit");
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ kind: "stop" } satisfies ToProbe);
    await exited;
  }
}
