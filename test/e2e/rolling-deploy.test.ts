/**
 * A rolling deploy on Redis with two builds of one contract: a pool of the v1 build meets a job a v3
 * producer wrote and leaves it deferred, no attempt used, while it goes on running its own jobs; a
 * v3 pool started afterwards runs it; with only v1 pools, it is rejected once its deadline passes,
 * naming the type, the identity and the identities the pool knows. pools() shows what each knows.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { JobsError, JobSnapshot } from "typed-jobs";
import * as v1 from "./contracts/billing-v1.generated.js";
import * as v3 from "./contracts/billing-v3.generated.js";
import { waitUntil } from "../support/redis-server.js";
import { useRedis } from "../support/setup.js";

let namespaceCounter = 0;

describe("rolling deploys: jobs of a contract a pool does not know", () => {
  const { server } = useRedis();

  afterEach(async () => {
    await Promise.all([v1.closeJobs(), v3.closeJobs()]);
  });

  function configure(): void {
    const namespace = `rolling-${++namespaceCounter}`;
    v1.configureJobs({ redis: server().url, namespace });
    v3.configureJobs({ redis: server().url, namespace });
  }

  it("an old pool leaves a newer producer's job deferred without an attempt and runs its own; a new pool runs it", async () => {
    configure();
    const v1Ran: unknown[] = [];
    const oldPool = v1.createPool({ handlers: { charge: (payload) => void v1Ran.push(payload) } });
    await oldPool.start();
    const v3Ran: v3.ChargePayload[] = [];
    const newPool = v3.createPool({ handlers: { charge: (payload) => void v3Ran.push(payload) } });
    try {
      const newer = await v3.scheduleCharge({ amount: { cents: 500, currency: "USD" } });
      await waitUntil(async () => (await v3.findJob(newer.id)).status === "deferred");
      const deferred = await v3.findJob(newer.id);
      expect(deferred.attempts).toBe(0);
      expect(deferred.startedAt).toBeUndefined();
      expect(deferred.deferred!.identity).toBe(v3.schemaHashes.charge);
      expect(deferred.deferred!.deadline.getTime() - deferred.deferred!.since.getTime()).toBe(24 * 60 * 60 * 1000);
      expect((await v3.jobs.counts()).byType.charge).toMatchObject({ deferred: 1, queued: 0, executing: 0 });
      expect((await v3.jobs.listJobs("deferred")).map((job) => job.id)).toEqual([newer.id]);

      // The old pool goes on with the jobs of its own build.
      const own = await v1.scheduleCharge({ cents: 100 });
      await waitUntil(async () => (await v1.findJob(own.id)).status === "finished");
      expect(v1Ran).toEqual([{ cents: 100 }]);
      expect((await v3.findJob(newer.id)).status).toBe("deferred");

      await newPool.start();
      await waitUntil(async () => (await v3.findJob(newer.id)).status === "finished");
      expect(await v3.findJob(newer.id)).toMatchObject({ attempts: 1, poolId: newPool.id, deferred: undefined });
      expect(v3Ran).toEqual([{ amount: { cents: 500, currency: "USD" } }]);
      expect(v1Ran).toEqual([{ cents: 100 }]);

      const pools = await v3.jobs.pools();
      const known = (id: string) => pools.find((p) => p.id === id)?.identities.charge;
      expect(known(oldPool.id)).toEqual(v1.chargeType.identities);
      expect(known(newPool.id)).toEqual(v3.chargeType.identities);
      expect(v3.chargeType.identities).toEqual(expect.arrayContaining([...v1.chargeType.identities!, v3.schemaHashes.charge]));
    } finally {
      await Promise.all([oldPool.close(), newPool.close()]);
    }
  });

  it("with only old pools, a deferred job is rejected past the deadline, naming the type, its identity and the identities known", async () => {
    configure();
    const rejected: [JobSnapshot, JobsError][] = [];
    const ran: unknown[] = [];
    const oldPool = v1.createPool({ handlers: { charge: (payload) => void ran.push(payload) }, unknownContractDeadline: "300ms", leaseTime: "3s", heartbeatInterval: "100ms" });
    oldPool.on("rejected", (job, error) => void rejected.push([job, error]));
    await oldPool.start();
    try {
      const newer = await v3.scheduleCharge({ amount: { cents: 700, currency: "EUR" } });
      await waitUntil(async () => (await v3.findJob(newer.id)).status === "rejected");
      const job = await v3.findJob(newer.id);
      expect(job.attempts).toBe(0);
      expect(job.error?.name).toBe("UnknownContractError");
      expect(job.error?.message).toBe(
        `job type 'charge': the job carries contract identity "${v3.schemaHashes.charge}", which this pool's build does not know ` +
          `(it knows only ${v1.chargeType.identities!.join(", ")}); no pool that knows it took the job before its deadline`,
      );
      await waitUntil(() => rejected.length === 1);
      expect(rejected[0]![0].id).toBe(newer.id);
      expect(rejected[0]![1]).toMatchObject({ code: "UNKNOWN_CONTRACT", identity: v3.schemaHashes.charge, jobType: "charge" });
      expect(ran).toEqual([]);
    } finally {
      await oldPool.close();
    }
  });
});
