import { describe, expect, it } from "vitest";
import { luaFunctions } from "../../src/redis/lua.generated.js";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { jobsKey, keyOf, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// The schedule calls a tick makes go to Redis together: the first by itself (it may be handed to an
// idle pool), the rest in script calls of one job type and at most 100 calls held, each call with
// its own job. Order with the runtime's other commands is kept.

type M = { alpha: { n: number }; beta: { n: number } };
const types = { alpha: jobType<{ n: number }>("alpha", anyPayload), beta: jobType<{ n: number }>("beta", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

const scriptNames = new Map<string, string>(Object.entries(luaFunctions).map(([name, fn]) => [fn, name]));

/** The scripts Redis runs while it watches, by name, with each call's arguments. */
async function watchScripts(): Promise<{ calls: { script: string; args: string[] }[]; stop: () => Promise<void> }> {
  const monitor = await server().client().monitor();
  const calls: { script: string; args: string[] }[] = [];
  let endSeen = false;
  const end = `end-of-watch-${Math.random()}`;
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (args[1] === end) endSeen = true;
    else if (source !== "lua" && String(args[0]).toLowerCase() === "fcall") calls.push({ script: scriptNames.get(args[1]!) ?? args[1]!, args });
  });
  // MONITOR reports commands in the order Redis ran them: once a marker sent last is reported, so is every call before it.
  const stop = async () => {
    await redis().echo(end);
    await waitUntil(() => endSeen);
    monitor.disconnect();
  };
  return { calls, stop };
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
    await watch.stop();

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

  it("go in smaller slices when their payloads are large: a slice goes once it holds a mebibyte", async () => {
    const { jobs } = bundle<M & { big: { text: string } }>({ ...types, big: jobType<{ text: string }>("big", anyPayload) }, { maxPayloadBytes: 1024 * 1024 });
    await jobs.schedule("alpha", { n: 0 });
    const text = "x".repeat(400 * 1024);
    const watch = await watchScripts();
    const made = await Promise.all(Array.from({ length: 5 }, () => jobs.schedule("big", { text })));
    await watch.stop();
    expect(made.every((job) => job.payload.text.length === text.length)).toBe(true);
    // The first alone; the next three (1.2 MiB held) together; the last alone at the tick's end.
    expect(watch.calls.filter((call) => call.script.startsWith("schedule")).map((call) => call.script)).toEqual(["scheduleOne", "schedule", "scheduleOne"]);
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
