import Type from "typebox";
import { describe, expect, it } from "vitest";
import { checkAgainstContract, createJobs, newestContract, openOperations, type JobType } from "typed-jobs";
import { KeySpace } from "../../src/redis/keys.js";
import { ScriptRunner } from "../../src/redis/script-runner.js";
import { luaLibrary } from "../../src/redis/lua.generated.js";
import { publishContractEntries } from "../../src/redis/scripts/publish-contracts.js";
import { jobType, useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// The contract registry: each process publishes each type's schema once (publishContracts.lua, by
// Redis's clock), tools read it back, and a payload is checked against the newest schema of its type.

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

type M = { alpha: { n: number }; beta: { s: string } };
const alphaSchema = Type.Object({ n: Type.Number() });
const betaSchema = Type.Object({ s: Type.String() });
const types = {
  alpha: { ...jobType<{ n: number }>("alpha", (v) => typeof (v as { n?: unknown }).n === "number"), schema: alphaSchema, schemaHash: "hash-alpha-1" } satisfies JobType<{ n: number }>,
  beta: { ...jobType<{ s: string }>("beta", () => true), schema: betaSchema, schemaHash: "hash-beta-1" } satisfies JobType<{ s: string }>,
};

async function redisMs(): Promise<number> {
  const [seconds, micros] = await redis().time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Publishes as another process would: its own first publish of each hash. */
function runnerFor(namespace: string): ScriptRunner {
  return new ScriptRunner(redis(), new KeySpace("tj:", namespace));
}

/** Every command sent to `key` while it runs, as Redis's MONITOR reports them. */
async function watchKey(key: string): Promise<{ commands: string[][]; stop: () => Promise<void> }> {
  const client = server().client();
  const monitor = await client.monitor();
  const commands: string[][] = [];
  monitor.on("monitor", (_time: string, args: string[]) => {
    if (args.includes(key)) commands.push(args);
  });
  return { commands, stop: async () => void monitor.disconnect() };
}

describe("the contract registry", () => {
  it("holds each schema once across many schedule calls, two runtimes and a pool, written once per process", async () => {
    const { jobs, namespace, pool } = bundle<M>(types);
    const key = `tj:{${namespace}}:contracts`;
    // The library already on the server, as after any process's first call: no call sent twice.
    await redis().function("LOAD", "REPLACE", luaLibrary);
    const watch = await watchKey(key);
    for (let i = 0; i < 50; i++) await jobs.schedule("alpha", { n: i });
    await waitUntil(async () => (await redis().hlen(key)) === 2);
    const second = createJobs<M>(types, { redis: server().url, namespace });
    try {
      for (let i = 0; i < 50; i++) await second.schedule("beta", { s: String(i) });
      await pool({ handlers: { alpha: () => undefined, beta: () => undefined } }).start();
      await waitUntil(async () => (await jobs.counts()).total.finished === 100);
    } finally {
      await second.close();
    }
    expect(await redis().hkeys(key)).toEqual(expect.arrayContaining(["alpha\nhash-alpha-1", "beta\nhash-beta-1"]));
    expect(await redis().hlen(key)).toBe(2);
    await redis().ping(); // MONITOR reports in order: what came before this has been seen
    await waitUntil(() => watch.commands.some((c) => c[0]?.toLowerCase() === "hkeys"));
    await watch.stop();
    // One script call for the process (the second runtime and the pool share it), writing each field
    // once. MONITOR shows the newline in a field escaped.
    const names = watch.commands.map((c) => c[0]!.toLowerCase());
    expect(names.filter((n) => n === "fcall")).toHaveLength(1);
    const writes = watch.commands.filter((c) => c[0]!.toLowerCase() === "hset");
    expect(writes.map((c) => c[2]!.replace("\\n", "\n")).sort()).toEqual(["alpha\nhash-alpha-1", "beta\nhash-beta-1"]);
    const contracts = await jobs.contracts();
    expect(contracts.map((c) => [c.type, c.schemaHash])).toEqual([["alpha", "hash-alpha-1"], ["beta", "hash-beta-1"]]);
    expect(contracts[0]!.schema).toEqual(JSON.parse(JSON.stringify(alphaSchema)));
    expect(contracts[0]!.firstSeen).toBeInstanceOf(Date);
    expect(contracts[0]!.lastPublished).toEqual(contracts[0]!.firstSeen);
  });

  it("times come from Redis's clock; a process publishing an older hash again (a rollback) makes it the newest, its firstSeen kept", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const key = `tj:{${namespace}}:contracts`;
    const before = await redisMs();
    await jobs.counts(); // connects, which publishes
    await waitUntil(async () => (await redis().hlen(key)) === 2);
    const after = await redisMs();
    const [first] = await jobs.contracts();
    expect(first!.firstSeen.getTime()).toBeGreaterThanOrEqual(before);
    expect(first!.firstSeen.getTime()).toBeLessThanOrEqual(after);
    // A newer version, then the old one again from another process (its own first publish).
    await publishContractEntries(runnerFor(namespace), [{ field: "alpha\nhash-alpha-2", schemaJson: JSON.stringify({ type: "object" }) }]);
    expect(newestContract(await jobs.contracts(), "alpha")?.schemaHash).toBe("hash-alpha-2");
    await waitUntil(async () => (await redisMs()) > (await jobs.contracts()).find((c) => c.schemaHash === "hash-alpha-2")!.lastPublished.getTime());
    await publishContractEntries(runnerFor(namespace), [{ field: "alpha\nhash-alpha-1", schemaJson: JSON.stringify(alphaSchema) }]);
    const registry = await jobs.contracts();
    const rolledBack = registry.find((c) => c.schemaHash === "hash-alpha-1")!;
    expect(newestContract(registry, "alpha")?.schemaHash).toBe("hash-alpha-1");
    expect(rolledBack.firstSeen).toEqual(first!.firstSeen);
    expect(rolledBack.lastPublished.getTime()).toBeGreaterThan(rolledBack.firstSeen.getTime());
    // Listed by firstSeen still: the order versions appeared in.
    expect(registry.map((c) => c.schemaHash)).toEqual(["hash-alpha-1", "hash-alpha-2", "hash-beta-1"]);
  });

  it("entries without lastPublished (written by earlier versions) count their firstSeen", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const key = `tj:{${namespace}}:contracts`;
    await redis().hset(key, "gamma\nold", JSON.stringify({ schema: {}, firstSeen: 1000 }), "gamma\nolder", JSON.stringify({ schema: {}, firstSeen: 500 }));
    const gamma = (await jobs.contracts()).filter((c) => c.type === "gamma");
    expect(gamma.map((c) => [c.schemaHash, c.lastPublished.getTime()])).toEqual([["older", 500], ["old", 1000]]);
    expect(newestContract(gamma, "gamma")?.schemaHash).toBe("old");
  });

  it("a new schema hash is published beside the old one; contracts() lists both, oldest first, and skips malformed entries", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const key = `tj:{${namespace}}:contracts`;
    await jobs.counts(); // connects, which publishes
    await waitUntil(async () => (await redis().hlen(key)) === 2);
    const v2 = Type.Object({ n: Type.Integer({ minimum: 0 }) });
    const later = createJobs<Pick<M, "alpha">>({ alpha: { ...types.alpha, schema: v2, schemaHash: "hash-alpha-2" } }, { redis: server().url, namespace });
    try {
      await later.counts();
      await waitUntil(async () => (await redis().hlen(key)) === 3);
    } finally {
      await later.close();
    }
    await redis().hset(key, { "alpha\nbroken": "{not json", "no-separator": JSON.stringify({ schema: {}, firstSeen: 1 }), "beta\nno-time": JSON.stringify({ schema: {} }) });
    const contracts = await jobs.contracts();
    expect(contracts.map((c) => `${c.type} ${c.schemaHash}`)).toEqual(["alpha hash-alpha-1", "alpha hash-alpha-2", "beta hash-beta-1"]);
  });

  it("openOperations works from the registry alone: lists jobs, and a payload is checked against the newest schema of its type", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const good = await jobs.schedule("alpha", { n: 3 });
    const fractional = await jobs.schedule("alpha", { n: 1.5 });
    await waitUntil(async () => (await redis().hlen(`tj:{${namespace}}:contracts`)) === 2);
    // A later runtime's stricter contract, published a minute later.
    const v2 = { type: "object", required: ["n"], properties: { n: { type: "integer" } } };
    await redis().hset(`tj:{${namespace}}:contracts`, "alpha\nhash-alpha-2", JSON.stringify({ schema: v2, firstSeen: Date.now() + 60_000 }));

    const ops = openOperations({ redis: server().url, namespace });
    try {
      const listed = await ops.listJobs("queued", { type: "alpha" });
      expect(listed.map((j) => j.id).sort()).toEqual([good.id, fractional.id].sort());
      const registry = await ops.contracts();
      const verdictOf = (id: string) => checkAgainstContract(registry, listed.find((j) => j.id === id)!);
      expect(verdictOf(good.id)).toEqual({ schemaHash: "hash-alpha-2", passes: true, issues: [], sameSchema: false });
      expect(verdictOf(fractional.id)).toMatchObject({ schemaHash: "hash-alpha-2", passes: false, sameSchema: false, issues: [{ path: "/n" }] });
      // Against the schema the job was written under.
      expect(checkAgainstContract({ schema: alphaSchema, schemaHash: "hash-alpha-1" }, listed.find((j) => j.id === fractional.id)!)).toEqual({ schemaHash: "hash-alpha-1", passes: true, issues: [], sameSchema: true });
      expect(checkAgainstContract(registry, { type: "nobody", payload: {} })).toBeUndefined();
    } finally {
      await ops.close();
    }
  });

  it("a registered schema TypeBox cannot compile fails every payload, with the reason", () => {
    const verdict = checkAgainstContract({ schema: { $ref: "#/nowhere" }, schemaHash: "broken-ref" }, { type: "alpha", payload: {} });
    expect(verdict?.passes).toBe(false);
  });
});
