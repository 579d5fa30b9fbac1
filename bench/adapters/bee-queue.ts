import BeeQueue from "bee-queue";
import type { LibAdapter, Payload } from "./adapter.js";

function redis(url: string) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/** bee-queue with its defaults, producer and worker split as its README recommends. */
export const beeQueue: LibAdapter = {
  name: "bee-queue",
  async producer(url, queue) {
    const q = new BeeQueue<Payload>(queue, { redis: redis(url), isWorker: false, getEvents: false });
    await q.ready();
    return {
      add: async (p) => (await q.createJob(p).save()).id,
      addBulk: async (ps) => {
        const jobs = ps.map((p) => q.createJob(p));
        const errors = await q.saveAll(jobs);
        if (errors.size > 0) throw [...errors.values()][0];
        return jobs.map((j) => j.id);
      },
      close: () => q.close(),
    };
  },
  async worker(url, queue, concurrency, hooks) {
    const q = new BeeQueue<Payload>(queue, { redis: redis(url), getEvents: false });
    q.on("succeeded", hooks.onDone);
    q.on("error", (e) => console.error("bee-queue error:", e));
    await q.ready();
    return {
      start: async () => q.process(concurrency, async (job) => void hooks.onRun(job.id, job.data)),
      close: () => q.close(),
    };
  },
};
