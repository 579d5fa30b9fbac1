import BeeQueue from "bee-queue";
import type { LibAdapter, Payload } from "./adapter.js";

function redis(url: string) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/**
 * bee-queue with its defaults, producer and worker split as its README recommends; the producer keeps
 * no Job objects (storeJobs: false), which it would keep for events it is not given (getEvents: false).
 */
export const beeQueue: LibAdapter = {
  name: "bee-queue",
  async producer(url, queue) {
    const q = new BeeQueue<Payload>(queue, { redis: redis(url), isWorker: false, getEvents: false, storeJobs: false });
    await q.ready();
    const saveAll = async (jobs: BeeQueue.Job<Payload>[]) => {
      const errors = await q.saveAll(jobs);
      if (errors.size > 0) throw [...errors.values()][0];
      return jobs.map((j) => j.id);
    };
    return {
      add: async (p) => (await q.createJob(p).save()).id,
      addBulk: (ps) => saveAll(ps.map((p) => q.createJob(p))),
      addBulkDelayed: (ps, delayMs) => {
        const at = Date.now() + delayMs;
        return saveAll(ps.map((p) => q.createJob(p).delayUntil(at)));
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
  async admin(url, queue) {
    const q = new BeeQueue<Payload>(queue, { redis: redis(url), isWorker: false, getEvents: false, storeJobs: false });
    await q.ready();
    return {
      counts: async () => void (await q.checkHealth()),
      listWaiting: async (offset, limit) => (await q.getJobs("waiting", { start: offset, end: offset + limit - 1 })).length,
      cancel: async (id) => void (await q.removeJob(id)),
      unrun: async () => {
        const health = await q.checkHealth();
        return health.waiting + health.delayed + health.active;
      },
      close: () => q.close(),
    };
  },
  recordsHash: (queue) => `bq:${queue}:jobs`,
};
