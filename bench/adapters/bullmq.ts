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
      addBulkDelayed: async (ps, delay) => (await q.addBulk(ps.map((data) => ({ name: "welcome", data, opts: { delay } })))).map((j) => j.id!),
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
  async admin(url, queue) {
    const q = new Queue<Payload>(queue, { connection: connection(url) });
    await q.waitUntilReady();
    return {
      counts: async () => void (await q.getJobCounts()),
      listWaiting: async (offset, limit) => (await q.getWaiting(offset, offset + limit - 1)).length,
      cancel: async (id) => {
        if ((await q.remove(id)) !== 1) throw new Error(`BullMQ: job ${id} was not removed`);
      },
      unrun: async () => {
        const counts = await q.getJobCounts("waiting", "delayed", "prioritized", "active");
        return (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
      },
      close: () => q.close(),
    };
  },
};
