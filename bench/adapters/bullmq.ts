import { Queue, Worker } from "bullmq";
import type { LibAdapter, Payload } from "./adapter.js";

function connection(url: string) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port), maxRetriesPerRequest: null };
}

/** BullMQ with its defaults (completed jobs kept, events stream on). */
export const bullmq: LibAdapter = {
  name: "BullMQ",
  async producer(url, queue) {
    const q = new Queue<Payload>(queue, { connection: connection(url) });
    await q.waitUntilReady();
    return {
      add: async (p) => (await q.add("welcome", p)).id!,
      addBulk: async (ps) => (await q.addBulk(ps.map((data) => ({ name: "welcome", data })))).map((j) => j.id!),
      close: () => q.close(),
    };
  },
  async worker(url, queue, concurrency, hooks) {
    const w = new Worker<Payload>(queue, async (job) => hooks.onRun(job.id!, job.data), { connection: connection(url), concurrency, autorun: false });
    w.on("completed", hooks.onDone);
    w.on("error", (e) => console.error("BullMQ worker error:", e));
    await w.waitUntilReady();
    return {
      start: async () => void w.run(),
      close: () => w.close(),
    };
  },
};
