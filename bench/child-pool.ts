import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LibName } from "./adapters/adapter.js";
import { countRun } from "./stats.js";

export interface ChildSpec {
  readonly lib: LibName;
  readonly url: string;
  readonly queue: string;
  readonly concurrency: number;
}

export type ChildMessage = { kind: "ready" } | { kind: "done"; n: number } | { kind: "runs"; ids: string[] };

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

/** Worker processes that connect first and start claiming only on go(), so their start-up is not timed. */
export async function startChildren(count: number, spec: ChildSpec) {
  const procs: ChildProcess[] = [];
  const done = new Array<number>(count).fill(0);
  await Promise.all(Array.from({ length: count }, (_, i) => new Promise<void>((resolve, reject) => {
    const child = fork(CHILD, [JSON.stringify(spec)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    procs.push(child);
    child.on("message", (m: ChildMessage) => {
      if (m.kind === "ready") resolve();
      if (m.kind === "done") done[i] = m.n;
    });
    child.once("exit", (code) => reject(new Error(`bench child exited with ${code}`)));
  })));
  return {
    go: () => procs.forEach((p) => p.send("go")),
    done: () => done.reduce((a, b) => a + b, 0),
    /** Closes the workers and returns how often each job id ran, across both processes. */
    stop: async (): Promise<Map<string, number>> => {
      const runs = new Map<string, number>();
      await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
        p.removeAllListeners("exit");
        p.on("message", (m: ChildMessage) => {
          if (m.kind === "runs") for (const id of m.ids) countRun(runs, id);
        });
        p.once("exit", () => resolve());
        p.send("stop");
      })));
      return runs;
    },
  };
}
