import { describe, expect, it } from "vitest";
import { luaFunctions } from "../../src/redis/lua.generated.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { jobsKey, keyOf, useRedisClient } from "../support/redis-state.js";

// The schedule calls a tick makes go to Redis together: the first by itself (it may be handed to an
// idle pool), the rest in script calls of one job type and at most 100 calls held, each call with
// its own job. Order with the runtime's other commands is kept.

type M = { alpha: { n: number }; beta: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

const scriptNames = new Map<string, string>(Object.entries(luaFunctions).map(([name, fn]) => [fn, name]));

/** The scripts Redis runs while it watches, by name, with the ids each schedule call carried. */
async function watchScripts(): Promise<{ calls: { script: string; args: string[] }[]; stop: () => void }> {
  const monitor = await server().client().monitor();
  const calls: { script: string; args: string[] }[] = [];
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (source !== "lua" && String(args[0]).toLowerCase() === "fcall") calls.push({ script: scriptNames.get(args[1]!) ?? args[1]!, args });
  });
  return { calls, stop: () => monitor.disconnect() };
}

describe("schedule calls of one tick", () => {
  it("go to Redis as the first call alone, then one script call per job type for each 100 held; each call resolves to its own job, queued in the order of the calls", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const warm = await jobs.schedule("alpha", { n: -1 });
    const watch = await watchScripts();
    const alphas = Array.from({ length: 250 }, (_, n) => jobs.schedule("alpha", { n }));
    const betas = [jobs.schedule("beta", { n: 0 }), jobs.schedule("beta", { n: 1 })];
    const made = await Promise.all(alphas);
    const madeBeta = await Promise.all(betas);
    // A call alone in a later tick goes by itself.
    const lone = await jobs.schedule("alpha", { n: 250 });
    watch.stop();

    expect(made.map((job) => job.payload)).toEqual(Array.from({ length: 250 }, (_, n) => ({ n })));
    expect(new Set(made.map((job) => job.id)).size).toBe(250);
    for (const job of [...made, ...madeBeta, lone]) expect(job.status).toBe("queued");
    expect(await redis().lrange(keyOf(namespace, "queue", "alpha"), 0, -1)).toEqual([warm.id, ...made.map((job) => job.id), lone.id]);
    expect(await redis().lrange(keyOf(namespace, "queue", "beta"), 0, -1)).toEqual(madeBeta.map((job) => job.id));
    expect(await jobs.findJob(made[249]!.id)).toMatchObject({ status: "queued", payload: { n: 249 } });

    const schedules = watch.calls.filter((call) => call.script.startsWith("schedule"));
    expect(schedules.map((call) => call.script)).toEqual(["scheduleOne", "schedule", "schedule", "schedule", "schedule", "scheduleOne"]);
    // Each batch's job count (ARGV after the layout: key count, keys, type count, types, then n).
    const jobCounts = schedules.slice(1, 5).map(({ args }) => {
      const typeCountAt = 3 + Number(args[2]);
      return Number(args[typeCountAt + 1 + Number(args[typeCountAt])]);
    });
    expect(jobCounts.sort((a, b) => a - b)).toEqual([2, 49, 100, 100]);
  });

  it("keep their order with the runtime's other commands: a job read in the tick it is scheduled in is found, and a second call with its id gets that job", async () => {
    const { jobs } = bundle<M>(types);
    await jobs.schedule("alpha", { n: 0 });
    const first = jobs.schedule("alpha", { n: 1 }, { id: "same" });
    const second = jobs.schedule("alpha", { n: 2 }, { id: "same" });
    const other = jobs.schedule("alpha", { n: 3 });
    const found = jobs.findJob("same");
    expect(await found).toMatchObject({ id: "same", status: "queued", payload: { n: 1 } });
    expect(await first).toMatchObject({ id: "same", payload: { n: 1 } });
    expect(await second).toMatchObject({ id: "same", payload: { n: 1 } });
    expect((await other).payload).toEqual({ n: 3 });
  });

  it("made just before close() in the same tick are written before the connection closes", async () => {
    const { jobs, namespace } = bundle<M>(types);
    await jobs.schedule("beta", { n: 0 });
    const calls = Array.from({ length: 30 }, (_, n) => jobs.schedule("alpha", { n }));
    await jobs.close();
    const made = await Promise.all(calls);
    expect(await redis().hlen(jobsKey(namespace))).toBe(31);
    expect(await redis().lrange(keyOf(namespace, "queue", "alpha"), 0, -1)).toEqual(made.map((job) => job.id));
  });
});
