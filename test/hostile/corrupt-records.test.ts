import { describe, expect, it } from "vitest";
import { CorruptJobRecordError, type Job } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { jobType, useRedis } from "../support/setup.js";

type M = { work: { n: number } };
const types = { work: jobType<{ n: number }>("work", (v) => typeof (v as { n?: unknown })?.n === "number") };

const header = (fields: Record<string, unknown>) => JSON.stringify({ t: "work", s: "queued", at: 1, ...fields });

/** Records damaged by hand, the status a pool leaves them in, and words its error must contain. */
const DAMAGED: [what: string, raw: string, status: "failed" | "rejected", problem: RegExp][] = [
  ["a record with no newline", "just some bytes", "failed", /no header line/],
  ["a header that is not JSON", `{"t":"work",\n{"n":1}`, "failed", /not a JSON object/],
  ["a header that is a string", `"work"\n{"n":1}`, "failed", /not a JSON object/],
  ["a header that is an array", `[1,2]\n{"n":1}`, "failed", /no job type/],
  ["a header with no type", `{"s":"queued","at":1}\n{"n":1}`, "failed", /no job type/],
  ["a header whose type is a number", `{"t":5,"s":"queued","at":1}\n{"n":1}`, "failed", /no job type/],
  ["a header with no run-at or status", `{"t":"work"}\n{"n":1}`, "failed", /run-at/],
  ["a priority that is text", `${header({ pr: "high" })}\n{"n":1}`, "failed", /'pr' is not a number/],
  ["an attempt count that is an object", `${header({ a: { x: 1 } })}\n{"n":1}`, "failed", /'a' is not a number/],
  ["an unknown type name in the header", `${header({ t: "ghost" })}\n{"n":1}`, "failed", /ghost/],
  ["a payload that is not JSON", `${header({})}\n{n: 1,`, "rejected", /not valid JSON/],
  ["an empty payload", `${header({})}\n`, "rejected", /not valid JSON/],
  ["a payload that fails the schema", `${header({})}\n{"n":"one"}`, "rejected", /not a valid work payload/],
];

describe("job records damaged by hand", () => {
  const { server, bundle } = useRedis();

  // Due jobs wait in the ready zset (with a priority) or in the queue list (priority 0): both are read by the claim.
  it.each(["ready", "queue"] as const)("end failed or rejected with the problem named, while the pool runs the good jobs (filed in %s)", async (place) => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const redis = server().client();
    try {
      const ids = DAMAGED.map((_, i) => `damaged-${i}`);
      for (const [i, [, raw]] of DAMAGED.entries()) {
        const write = redis.multi().hset(`tj:{${namespace}}:jobs`, ids[i]!, raw);
        if (place === "ready") write.zadd(`tj:{${namespace}}:ready:work`, i, ids[i]!);
        else write.rpush(`tj:{${namespace}}:queue:work`, ids[i]!);
        await write.exec();
      }
      // Before any pool touches them: findJob names the damage, or reads what it can.
      for (const id of ids) {
        const found = await jobs.findJob(id).catch((e: unknown) => e);
        if (!(found instanceof CorruptJobRecordError)) expect((found as Job).id).toBe(id);
      }
      await expect(jobs.findJob("damaged-0")).rejects.toThrow(/damaged-0 has a corrupt record: the record has no header line/);

      const ran: number[] = [];
      const p = pool({ handlers: { work: ({ n }) => void ran.push(n) }, concurrency: 3, idleWait: "100ms" });
      const errors: Error[] = [];
      p.on("error", (e) => errors.push(e));
      await p.start();
      await jobs.scheduleBulk("work", [{ n: 1 }, { n: 2 }, { n: 3 }]);
      await waitUntil(async () => ran.length === 3 && (await jobs.counts()).total.failed + (await jobs.counts()).total.rejected === DAMAGED.length, 10_000, "damaged records were not all settled");
      expect(ran.sort()).toEqual([1, 2, 3]);

      // Afterwards findJob reads each one back, consistently: its status and the named problem.
      for (const [i, [what, , status, problem]] of DAMAGED.entries()) {
        const job = await jobs.findJob(ids[i]!);
        expect(job.status, what).toBe(status);
        expect(job.error?.message, what).toMatch(problem);
      }
      expect(await jobs.listJobs("failed", { limit: 100 })).toHaveLength(DAMAGED.filter(([, , s]) => s === "failed").length);
      expect(await redis.zcard(`tj:{${namespace}}:executing:work`)).toBe(0);
      expect(await redis.zcard(`tj:{${namespace}}:ready:work`)).toBe(0);
      expect(await redis.llen(`tj:{${namespace}}:queue:work`)).toBe(0);
      expect(errors).toEqual([]);

      // A quarantined record keeps the original bytes, for an operator to repair.
      expect((await jobs.findJob("damaged-0")).payload).toBe("just some bytes");
    } finally {
      redis.disconnect();
    }
  });

  it("a record damaged while queued for later is caught when it falls due", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const redis = server().client();
    try {
      const job = await jobs.schedule("work", { n: 1 }, { delay: 300 });
      await redis.hset(`tj:{${namespace}}:jobs`, job.id, `{"t":"work","at":"soon"}\n{"n":1}`);
      await pool({ handlers: { work: () => undefined }, idleWait: "100ms" }).start();
      await expect(jobs.findJob(job.id)).rejects.toBeInstanceOf(CorruptJobRecordError);
      await waitUntil(async () => (await jobs.findJob(job.id).catch(() => undefined))?.status === "failed");
      expect((await jobs.findJob(job.id)).error?.message).toMatch(/'at' is not a number/);
    } finally {
      redis.disconnect();
    }
  });
});
