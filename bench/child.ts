/** One worker process of the two-process scenario; driven by child-pool.ts over IPC. */
import { adapter } from "./adapters/adapter.js";
import type { ChildMessage, ChildSpec } from "./child-pool.js";

const spec = JSON.parse(process.argv[2]!) as ChildSpec;
const send = (m: ChildMessage) => process.send!(m);
const ids: string[] = [];
let done = 0;
let reported = 0;

const lib = await adapter(spec.lib);
const worker = await lib.worker(spec.url, spec.queue, spec.concurrency, { onRun: (id) => void ids.push(id), onDone: () => void done++ });
const ticker = setInterval(() => {
  if (done !== reported) send({ kind: "done", n: (reported = done) });
}, 2);

process.on("message", async (m: string) => {
  if (m === "go") await worker.start();
  if (m === "stop") {
    clearInterval(ticker);
    await worker.close();
    process.send!({ kind: "runs", ids } satisfies ChildMessage, () => process.exit(0));
  }
});
send({ kind: "ready" });
