import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LibName } from "./adapters/adapter.js";
import { countRun } from "./stats.js";

export interface ChildSpec {
  readonly lib: LibName;
  readonly url: string;
  readonly queue: string;
  readonly concurrency: number;
  /** Report the completion count every few ms (the throughput rows); latency rows ask instead. */
  readonly progress?: boolean;
  /** Record the process's garbage collections (bench/profile/latency-trace.ts). */
  readonly traceGc?: boolean;
}

/** Garbage collections: when each began (clockMs), how long it took (ms), and its kind (perf_hooks' NODE_PERFORMANCE_GC_*: 1 minor, 4 major, 8 incremental, 16 weak callbacks). */
export interface Pauses {
  readonly at: number[];
  readonly ms: number[];
  readonly kind: number[];
}

/** Handler starts a worker process saw: job id, the payload's userId, and clockMs() at the start. */
export interface Starts {
  readonly ids: string[];
  readonly userIds: number[];
  readonly at: number[];
  /** With traceGc. */
  readonly gc?: Pauses;
}

export type ToChild = { kind: "go" } | { kind: "stop" } | { kind: "expect"; n: number } | { kind: "collect" } | { kind: "collectGarbage" };
export type FromChild = { kind: "ready" } | { kind: "done"; n: number } | { kind: "reached"; n: number } | ({ kind: "starts" } & Starts) | { kind: "collected" };

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

/**
 * Worker processes that connect first and start claiming only on go(), so their start-up is not timed.
 * BENCH_CPU_PROF=<dir> starts them under `node --cpu-prof`, writing a profile per process there;
 * BENCH_CHILD_FLAGS adds other Node flags (e.g. --trace-gc).
 */
export async function startChildren(count: number, spec: ChildSpec) {
  const procs: ChildProcess[] = [];
  const done = new Array<number>(count).fill(0);
  const waiting = new Map<ChildProcess, (m: FromChild) => void>();
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  profile.push(...(process.env.BENCH_CHILD_FLAGS?.split(" ").filter(Boolean) ?? []));
  await Promise.all(Array.from({ length: count }, (_, i) => new Promise<void>((resolve, reject) => {
    // --expose-gc: collectGarbage() below.
    const child = fork(CHILD, [JSON.stringify(spec)], { execArgv: ["--import", "tsx", "--expose-gc", ...profile], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    procs.push(child);
    child.on("message", (m: FromChild) => {
      if (m.kind === "ready") resolve();
      else if (m.kind === "done") done[i] = m.n;
      else waiting.get(child)?.(m);
    });
    child.once("exit", (code) => reject(new Error(`bench child exited with ${code}`)));
  })));
  const ask = (child: ChildProcess, m: ToChild) => new Promise<FromChild>((resolve) => {
    waiting.set(child, resolve);
    child.send(m);
  });
  const collect = async (): Promise<Starts> => {
    const all: Starts = { ids: [], userIds: [], at: [] };
    for (const child of procs) {
      const s = (await ask(child, { kind: "collect" })) as Starts;
      all.ids.push(...s.ids);
      all.userIds.push(...s.userIds);
      all.at.push(...s.at);
      if (s.gc) (all as { gc?: Pauses }).gc = s.gc;
    }
    return all;
  };
  return {
    /** The worker processes' pids. */
    pids: procs.map((p) => p.pid!),
    go: () => procs.forEach((p) => p.send({ kind: "go" } satisfies ToChild)),
    /** Completions so far, summed over the processes (with `progress`). */
    done: () => done.reduce((a, b) => a + b, 0),
    /** Resolves once the one process has seen `n` completions in all. */
    reached: (n: number) => ask(procs[0]!, { kind: "expect", n }).then(() => undefined),
    /** The handler starts since the last collect. */
    collect,
    /**
     * A full collection in every process, before the warm-up: a service that has run for a while has
     * long since collected what its start-up left (modules loaded through tsx, compiled code's
     * garbage), and a measurement should not catch that collection for one library and not another.
     * Not after the warm-up: a forced collection discards optimised code, which the warm-up is for.
     */
    collectGarbage: () => Promise.all(procs.map((p) => ask(p, { kind: "collectGarbage" }))).then(() => undefined),
    /** Closes the workers and returns how often each job id ran, across the processes and the starts collected before. */
    stop: async (collected: readonly Starts[] = []): Promise<Map<string, number>> => {
      const runs = new Map<string, number>();
      for (const s of collected) for (const id of s.ids) countRun(runs, id);
      await Promise.all(procs.map(async (p) => {
        p.removeAllListeners("exit");
        const exited = new Promise((resolve) => p.once("exit", resolve));
        const last = (await ask(p, { kind: "stop" })) as Starts;
        for (const id of last.ids) countRun(runs, id);
        await exited;
      }));
      return runs;
    },
  };
}

export type Children = Awaited<ReturnType<typeof startChildren>>;
