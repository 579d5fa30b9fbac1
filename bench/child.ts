/** One worker process (a pool in its own process, as deployed); driven by child-pool.ts over IPC. */
import { adapter } from "./adapters/adapter.js";
import type { ChildSpec, FromChild, Starts, ToChild } from "./child-pool.js";
import { clockMs } from "./clock.js";
import { collectGarbage, traceGc } from "./gc-trace.js";

const spec = JSON.parse(process.argv[2]!) as ChildSpec;
const send = (m: FromChild) => process.send!(m);
let starts: Starts = { ids: [], userIds: [], at: [] };
let done = 0;
let reported = 0;
let expected: number | undefined;
const gc = spec.traceGc ? traceGc() : undefined;

const lib = await adapter(spec.lib);
const worker = await lib.worker(spec.url, spec.queue, spec.concurrency, {
  onRun: (id, p) => {
    starts.at.push(clockMs());
    starts.ids.push(id);
    starts.userIds.push(p.userId);
  },
  onDone: () => {
    done++;
    if (expected !== undefined && done >= expected) {
      expected = undefined;
      send({ kind: "reached", n: done });
    }
  },
});
// Only the throughput rows poll: a timer every 2 ms would wake an idle pool whose latency is measured.
const ticker = spec.progress
  ? setInterval(() => {
      if (done !== reported) send({ kind: "done", n: (reported = done) });
    }, 2)
  : undefined;

process.on("message", async (m: ToChild) => {
  if (m.kind === "go") await worker.start();
  else if (m.kind === "expect") {
    if (done >= m.n) send({ kind: "reached", n: done });
    else expected = m.n;
  } else if (m.kind === "collect") {
    send({ kind: "starts", ...starts, ...(gc ? { gc: gc.take() } : {}) });
    starts = { ids: [], userIds: [], at: [] };
  } else if (m.kind === "collectGarbage") {
    collectGarbage();
    send({ kind: "collected" });
  } else if (m.kind === "stop") {
    clearInterval(ticker);
    await worker.close();
    // The starts since the last collect, then exit: a profile (--cpu-prof) is written on exit.
    process.send!({ kind: "starts", ...starts } satisfies FromChild, () => process.exit(0));
  }
});
send({ kind: "ready" });
