import { describe, expect, it } from "vitest";
import { JobNotFoundError } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";

type M = { mail: { to: string } };
const types = { mail: jobType<{ to: string }>("mail", anyPayload) };

describe("two namespaces on one Redis", () => {
  const { bundle } = useRedis();

  it("never see or touch each other's jobs", async () => {
    const a = bundle<M>(types);
    const b = bundle<M>(types);
    const aJobs = await a.jobs.scheduleBulk("mail", [{ to: "a1" }, { to: "a2" }]);
    const bJob = await b.jobs.schedule("mail", { to: "b1" });
    // The same caller-chosen id is two different jobs.
    const aShared = await a.jobs.schedule("mail", { to: "a-shared" }, { id: "shared" });
    const bShared = await b.jobs.schedule("mail", { to: "b-shared" }, { id: "shared" });
    expect(bShared.payload).toEqual({ to: "b-shared" });

    expect((await a.jobs.counts()).total.queued).toBe(3);
    expect((await b.jobs.counts()).total.queued).toBe(2);
    expect((await a.jobs.listJobs("queued")).map((j) => j.id).sort()).toEqual([...aJobs.map((j) => j.id), "shared"].sort());
    await expect(a.jobs.findJob(bJob.id)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(b.jobs.findJob(aJobs[0]!.id)).rejects.toBeInstanceOf(JobNotFoundError);

    // A pool of one namespace runs only that namespace's jobs.
    const ran: string[] = [];
    await a.pool({ handlers: { mail: ({ to }) => void ran.push(to) }, idleWait: "200ms" }).start();
    await waitUntil(async () => (await a.jobs.counts()).total.finished === 3);
    expect(ran.sort()).toEqual(["a-shared", "a1", "a2"]);
    expect((await b.jobs.counts()).total).toMatchObject({ queued: 2, executing: 0, finished: 0 });
    expect(await b.jobs.running()).toBe(0);

    // Cancelling or destroying in one namespace leaves the other's job of the same id alone.
    await aShared.destroy();
    await expect(a.jobs.findJob("shared")).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await b.jobs.findJob("shared")).status).toBe("queued");
    expect(await (await b.jobs.findJob("shared")).cancel()).toBe(true);
    expect((await b.jobs.listJobs("cancelled")).map((j) => j.id)).toEqual(["shared"]);
    expect(await a.jobs.listJobs("cancelled")).toEqual([]);
  });
});
