import { Type } from "typebox";
import { Compile } from "typebox/compile";
import { createJobs, type JobType } from "typed-jobs";
import type { LibAdapter, Payload } from "./adapter.js";

const compiled = Compile(Type.Object({ userId: Type.Integer(), email: Type.String({ format: "email" }) }));

/** A hand-written job type, as test/support/setup.ts builds them; `validate` picks the TypeBox check. */
export function welcomeType(validate: boolean): JobType<Payload> {
  return {
    name: "welcome",
    schemaHash: "bench-welcome",
    schema: {},
    check: validate ? (v: unknown): v is Payload => compiled.Check(v) : (_v: unknown): _v is Payload => true,
    errors: () => [{ path: "", message: "not a welcome payload" }],
  };
}

type M = { welcome: Payload };

export const typedJobs: LibAdapter = {
  name: "typed-jobs",
  async producer(url, queue, opts = {}) {
    const jobs = createJobs<M>({ welcome: welcomeType(opts.validate ?? true) }, { redis: url, namespace: queue });
    return {
      add: async (p) => (await jobs.schedule("welcome", p)).id,
      addBulk: async (ps) => (await jobs.scheduleBulk("welcome", ps)).map((j) => j.id),
      addBulkDelayed: async (ps, delayMs) => (await jobs.scheduleBulk("welcome", ps, { delay: delayMs })).map((j) => j.id),
      close: () => jobs.close(),
    };
  },
  async worker(url, queue, concurrency, hooks) {
    const jobs = createJobs<M>({ welcome: welcomeType(true) }, { redis: url, namespace: queue });
    const pool = jobs.createPool({ concurrency, handlers: { welcome: async (p, job) => hooks.onRun(job.id, p) } });
    pool.on("finished", hooks.onDone);
    pool.on("error", (e) => console.error("typed-jobs pool error:", e));
    return {
      start: () => pool.start(),
      close: async () => {
        await pool.close();
        await jobs.close();
      },
    };
  },
  async admin(url, queue) {
    const jobs = createJobs<M>({ welcome: welcomeType(true) }, { redis: url, namespace: queue });
    return {
      counts: async () => void (await jobs.counts()),
      listWaiting: async (offset, limit) => (await jobs.listJobs("queued", { type: "welcome", offset, limit })).length,
      cancel: async (id) => void (await (await jobs.findJob(id)).cancel()),
      unrun: async () => {
        const { total } = await jobs.counts();
        return total.queued + total.executing;
      },
      close: () => jobs.close(),
    };
  },
  recordsHash: (queue) => `tj:{${queue}}:jobs`,
};
