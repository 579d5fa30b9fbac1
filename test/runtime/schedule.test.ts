import { describe, expect, it } from "vitest";
import { InvalidOptionError, PayloadTooLargeError, PayloadValidationError, UnknownJobTypeError, type Jobs } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { jobsKey, keyOf, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// albrow job_type_test.go and encode_test.go, adapted: types are plain objects given to createJobs,
// payloads are JSON checked by the type's validator, and the codec tests become JSON round trips.

type Person = { name: string; age: number };
type M = { person: Person; anything: unknown; withRetries: Person };
const isPerson = (v: unknown): boolean => typeof v === "object" && v !== null && typeof (v as Person).name === "string" && typeof (v as Person).age === "number";
const types = {
  person: jobType<Person>("person", isPerson),
  anything: jobType<unknown>("anything", anyPayload),
  withRetries: jobType<Person>("withRetries", isPerson, { retries: 3, priority: 9 }),
};

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

async function recordCount(namespace: string): Promise<number> {
  return redis().hlen(jobsKey(namespace));
}

describe("job types (albrow job_type_test.go)", () => {
  it("TestRegisterType: a runtime knows its types and their defaults, and refuses names it does not know", async () => {
    const { jobs, pool } = bundle<M>(types);
    expect(Object.keys(jobs.types).sort()).toEqual(["anything", "person", "withRetries"]);
    const job = await jobs.schedule("withRetries", { name: "a", age: 1 });
    expect(job).toMatchObject({ retries: 3, retriesLeft: 3, priority: 9 });

    const unknown = jobs as unknown as Jobs<{ nope: unknown }>;
    await expect(unknown.schedule("nope", {})).rejects.toBeInstanceOf(UnknownJobTypeError);
    // An inherited property name is not a job type either.
    await expect(unknown.schedule("toString" as "nope", {})).rejects.toBeInstanceOf(UnknownJobTypeError);
    expect(() => pool({ handlers: { nope: () => undefined } } as never)).toThrow(UnknownJobTypeError);
  });

  it("a type's defaults changed after its first schedule apply from the next one on, and an invalid one is refused then", async () => {
    const mutable = { ...jobType<Person>("person", isPerson), retries: 1 };
    const { jobs } = bundle<{ person: Person }>({ person: mutable });
    expect(await jobs.schedule("person", { name: "a", age: 1 })).toMatchObject({ retries: 1, priority: 0 });
    Object.assign(mutable, { retries: 4, priority: 2 });
    expect(await jobs.schedule("person", { name: "b", age: 2 })).toMatchObject({ retries: 4, priority: 2 });
    Object.assign(mutable, { retries: -1 });
    await expect(jobs.schedule("person", { name: "c", age: 3 })).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it("TestTypeSchedule: a valid payload is written queued; an invalid one throws PayloadValidationError and writes nothing", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const before = Date.now();
    const job = await jobs.schedule("person", { name: "Ada", age: 36 }, { priority: 100 });
    expect(job.id).not.toBe("");
    expect(job).toMatchObject({ type: "person", status: "queued", priority: 100, payload: { name: "Ada", age: 36 } });
    const found = await jobs.findJob(job.id);
    expect(found.runAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(found.runAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
    expect(await recordCount(namespace)).toBe(1);

    const error = await jobs.schedule("person", { name: "Bob", age: "old" } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect((error as PayloadValidationError).jobType).toBe("person");
    expect((error as PayloadValidationError).errors.length).toBeGreaterThan(0);
    expect(await recordCount(namespace)).toBe(1);
  });

  it("a payload JSON cannot represent (undefined, a BigInt) is refused with PayloadValidationError and writes nothing", async () => {
    const { jobs, namespace } = bundle<M>(types);
    await expect(jobs.schedule("anything", undefined)).rejects.toBeInstanceOf(PayloadValidationError);
    await expect(jobs.schedule("anything", 10n)).rejects.toBeInstanceOf(PayloadValidationError);
    await expect(jobs.schedule("anything", () => 1)).rejects.toBeInstanceOf(PayloadValidationError);
    expect(await recordCount(namespace)).toBe(0);
  });

  it("a payload over maxPayloadBytes throws PayloadTooLargeError and writes nothing", async () => {
    const { jobs, namespace } = bundle<M>(types, { maxPayloadBytes: 64 });
    const error = await jobs.schedule("anything", "x".repeat(100)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as PayloadTooLargeError).bytes).toBe(102);
    expect(await recordCount(namespace)).toBe(0);
  });

  it("invalid options name the option and write nothing", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const bad = [{ priority: 5000 }, { priority: 1.5 }, { retries: -1 }, { delay: "soon" }, { runAt: Number.NaN }, { id: "" }, { timeout: -5 }];
    for (const options of bad) {
      const error = await jobs.schedule("anything", 1, options).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe(Object.keys(options)[0]);
    }
    expect(await recordCount(namespace)).toBe(0);
  });

  it("scheduling the same caller-chosen id twice creates one job and returns the existing one", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const first = await jobs.schedule("person", { name: "first", age: 1 }, { id: "order-42", priority: 3 });
    const second = await jobs.schedule("person", { name: "second", age: 2 }, { id: "order-42", priority: 7 });
    expect(second.id).toBe("order-42");
    expect(second.payload).toEqual({ name: "first", age: 1 });
    expect(second.priority).toBe(3);
    expect(await recordCount(namespace)).toBe(1);
    expect(await redis().zcard(keyOf(namespace, "ready", "person"))).toBe(1);
    expect((await jobs.findJob(first.id)).payload).toEqual({ name: "first", age: 1 });
  });

  it("the same id again onto a long queue also returns the existing job, not the handle a new one would have", async () => {
    const { jobs, namespace } = bundle<M>(types);
    for (let n = 0; n < 40; n++) await jobs.schedule("person", { name: `p${n}`, age: n }, { id: `busy-${n}` });
    const again = await jobs.schedule("person", { name: "other", age: 99 }, { id: "busy-3" });
    expect(again).toMatchObject({ id: "busy-3", payload: { name: "p3", age: 3 }, status: "queued" });
    expect(await recordCount(namespace)).toBe(40);
    expect(await redis().llen(keyOf(namespace, "queue", "person"))).toBe(40);
  });

  it("scheduleBulk writes every job in one call; one invalid payload writes none", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const people = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}`, age: i }));
    const created = await jobs.scheduleBulk("person", people, { priority: 2 });
    expect(created.map((j) => j.payload)).toEqual(people);
    expect(new Set(created.map((j) => j.id)).size).toBe(5);
    expect(await redis().zcard(keyOf(namespace, "ready", "person"))).toBe(5);
    for (const job of created) expect((await jobs.findJob(job.id)).payload).toEqual(job.payload);
    expect((await jobs.counts()).byType.person!.queued).toBe(5);

    const refused = await jobs.scheduleBulk("person", [{ name: "ok", age: 1 }, { name: 3 } as never, { age: 2 } as never]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PayloadValidationError);
    // Each failure's path starts with its element's index.
    expect((refused as PayloadValidationError).errors.map((e) => e.path)).toEqual(["/1", "/2"]);
    expect((refused as PayloadValidationError).message).toContain("person payload is invalid at /1:");
    expect(await recordCount(namespace)).toBe(5);
    await expect(jobs.scheduleBulk("person", [people[0]!, people[1]!], { id: "shared" })).rejects.toBeInstanceOf(InvalidOptionError);
    expect(await jobs.scheduleBulk("person", [])).toEqual([]);
  });
});

describe("the handle a schedule call returns", () => {
  const times = (job: { runAt: Date; createdAt: Date; status: string; startedAt?: Date | undefined }) => ({
    status: job.status,
    runAt: job.runAt.getTime(),
    createdAt: job.createdAt.getTime(),
    startedAt: job.startedAt?.getTime(),
  });

  it("has the run-at and creation time Redis stored, due now, delayed, in bulk and handed to an idle pool", async () => {
    const { jobs } = bundle<M>(types);
    await jobs.schedule("anything", 0); // the queue holds a job: the next due one takes the short path
    const handles = [
      await jobs.schedule("anything", 1),
      // Many: a handle estimated from the local clock after the reply differs from the record only
      // when the round trip crosses a millisecond, which some of fifty do.
      ...(await Promise.all(Array.from({ length: 50 }, (_, k) => jobs.schedule("anything", 100 + k, { delay: 60_000 })))),
      ...(await jobs.scheduleBulk("anything", [3, 4], { delay: "1h" })),
      await jobs.schedule("anything", 5, { runAt: Date.now() + 5000, priority: 3 }),
    ];
    for (const handle of handles) expect(times(handle)).toEqual(times(await jobs.findJob(handle.id)));

    const running = new Set<number>();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const other = bundle<M>(types);
    await other.pool({ handlers: { anything: async (n) => void (running.add(n as number), await held) } }).start();
    await waitUntil(async () => (await redis().zcard(keyOf(other.namespace, "idle", "anything"))) === 1);
    const handed = await other.jobs.schedule("anything", 6);
    expect(handed.status).toBe("executing");
    await waitUntil(() => running.has(6));
    const stored = await other.jobs.findJob(handed.id);
    expect(times(handed)).toEqual({ ...times(stored), status: "executing" });
    release();
  });
});

describe("payload round trips (albrow encode_test.go)", () => {
  const cases: [string, unknown][] = [
    ["TestConvertInt", 7],
    ["TestConvertString", "test"],
    ["TestConvertBool", true],
    ["TestConvertStruct", { Name: "test person", Age: 23 }],
    ["TestConvertSlice", ["a", "b", "c"]],
    ["numbers", [0, -1, 1.5, -2.25e-7, 1e21, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0.1 + 0.2]],
    ["unicode", { "ключ": "значение", emoji: "🚀👩‍👩‍👧", cjk: "漢字かな", combining: "e\u0301", separators: "a\u2028b\u2029c", controls: "tab\tnew\nline\r\"q\"\\", nul: "a\u0000b" }],
    ["nested", { a: [{ b: [[1, 2], [], {}], c: null }], d: { e: { f: { g: [true, false, null] } } }, "": "empty key" }],
    ["null", null],
    ["empty string", ""],
  ];

  it.each(cases)("%s: the payload reads back equal through findJob and reaches the handler equal", async (_name, value) => {
    const { jobs, pool } = bundle<M>(types);
    const job = await jobs.schedule("anything", value);
    expect((await jobs.findJob(job.id)).payload).toEqual(value);
    const received: unknown[] = [];
    await pool({ handlers: { anything: (payload) => void received.push(payload) }, concurrency: 1 }).start();
    await waitUntil(() => received.length === 1);
    expect(received[0]).toEqual(value);
  });
});
