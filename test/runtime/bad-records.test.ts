import { describe, expect, it } from "vitest";
import { CorruptJobRecordError, PayloadValidationError } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { eventsOf, expectJobState, readyScore, recordEvents, seedRecord, setsHolding, useRedisClient, waitForStatus } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// Bad input loses nothing and stops nothing: a payload that fails the pool's schema is rejected
// (albrow decoded with gob and retried), and a damaged record is quarantined (albrow's pool crashed).

type Person = { name: string; age: number };
type M = { person: Person; other: Person };
const isPerson = (v: unknown): boolean => typeof v === "object" && v !== null && typeof (v as Person).name === "string" && typeof (v as Person).age === "number";
const personType = (name: string) =>
  jobType<Person>(name, isPerson, {
    errors: (v) => (typeof (v as Person | null)?.age === "number" ? [{ path: "/name", message: "must be a string" }] : [{ path: "/age", message: "must be a number" }]),
  });
const strict = { person: personType("person"), other: personType("other") };
const lenient = { person: jobType<Person>("person", anyPayload), other: jobType<Person>("other", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("rejected payloads", () => {
  it("a payload written by a lenient producer fails the pool's schema: rejected with its issues, not retried, the pool goes on", async () => {
    const { jobs, namespace } = bundle<M>(lenient);
    const runtime = bundle<M>(strict, { namespace });
    const bad = await jobs.schedule("person", { name: "Ada" } as Person, { retries: 3, priority: 10 });
    const good = await jobs.schedule("person", { name: "Bob", age: 40 });
    const ran: string[] = [];
    const p = runtime.pool({ handlers: { person: ({ name }) => void ran.push(name) }, concurrency: 1 });
    const seen = recordEvents(p);
    await p.start();
    await waitForStatus(good, "finished");
    await waitForStatus(bad, "rejected");
    expect(ran).toEqual(["Bob"]);
    expect(bad).toMatchObject({ attempts: 1, error: { name: "PayloadValidationError", issues: [{ path: "/age", message: "must be a number" }] } });
    expect(bad.error!.message).toContain("/age");
    expect(bad.payload).toEqual({ name: "Ada" });
    await expectJobState(jobs, redis(), namespace, bad.id, "rejected");
    expect(eventsOf(seen, bad.id)).toEqual(["started", "rejected"]);
    expect(seen.find((e) => e.event === "rejected")!.error).toBeInstanceOf(PayloadValidationError);
  });

  it("a record written by hand whose payload fails the schema, or is not JSON, is rejected", async () => {
    const { jobs, namespace, pool } = bundle<M>(strict);
    const at = Date.now() - 1000;
    // Priority 0 and due: where the data model keeps such a job, the queue list.
    await seedRecord(redis(), namespace, "person", "by-hand", `{"at":${at},"t":"person","s":"queued","r":2}\n{"name":"x","age":"old"}`, "queue");
    await seedRecord(redis(), namespace, "person", "not-json", `{"at":${at},"t":"person","s":"queued"}\n{"name": "x", age: 1`, "queue");
    await pool({ handlers: { person: () => undefined } }).start();
    const byHand = await jobs.findJob("by-hand");
    await waitForStatus(byHand, "rejected");
    expect(byHand.error!.issues).toEqual([{ path: "/age", message: "must be a number" }]);
    const notJson = await jobs.findJob("not-json");
    await waitForStatus(notJson, "rejected");
    expect(notJson.error!.issues![0]!.message).toContain("not valid JSON");
    for (const id of ["by-hand", "not-json"]) await expectJobState(jobs, redis(), namespace, id, "rejected");
  });
});

describe("corrupt records", () => {
  const corrupt: [string, (at: number) => string, string][] = [
    ["a header that is not JSON", () => "this is not json\n{}", "not a JSON object"],
    ["a header with a field of the wrong type", (at) => `{"at":${at},"t":"person","s":"queued","a":"x"}\n{"name":"a","age":1}`, "'a' is not a number"],
    ["no header line at all", () => "garbage", "no header line"],
    ["a header without a run-at", () => `{"t":"person","s":"queued"}\n{"name":"a","age":1}`, "run-at"],
    ["a header naming another job type", (at) => `{"at":${at},"t":"other","s":"queued"}\n{"name":"a","age":1}`, "other"],
  ];

  it.each(corrupt)("%s: quarantined as failed with CorruptJobRecordError, original bytes kept, the pool goes on", async (_what, record, problem) => {
    const { jobs, namespace, pool } = bundle<M>(strict);
    const at = Date.now() - 1000;
    const raw = record(at);
    await seedRecord(redis(), namespace, "person", "damaged", raw, "ready", readyScore(5, at));
    const good = await jobs.schedule("person", { name: "ok", age: 1 });
    const ran: string[] = [];
    const p = pool({ handlers: { person: ({ name }) => void ran.push(name) }, concurrency: 1 });
    const seen = recordEvents(p);
    await p.start();
    await waitForStatus(good, "finished");
    const damaged = await jobs.findJob("damaged");
    await waitForStatus(damaged, "failed", 3000);
    expect(ran).toEqual(["ok"]);
    expect(damaged.type).toBe("person");
    expect(damaged.error).toMatchObject({ name: "CorruptJobRecordError" });
    expect(damaged.error!.message).toContain("damaged");
    expect(damaged.error!.message).toContain(problem);
    expect(damaged.payload).toBe(raw);
    await expectJobState(jobs, redis(), namespace, "damaged", "failed");
    expect(seen.filter((e) => e.event === "error")).toEqual([]);
  });

  it("a damaged record waiting in the schedule is quarantined when it falls due", async () => {
    const { jobs, namespace, pool } = bundle<M>(strict);
    const raw = `{"at":"soon","t":"person","s":"queued"}\n{}`;
    await seedRecord(redis(), namespace, "person", "damaged", raw, "scheduled", Date.now() - 1);
    await pool({ handlers: { person: () => undefined } }).start();
    // Unreadable (CorruptJobRecordError) until the pool quarantines it, then a failed job.
    await waitUntil(async () => (await jobs.findJob("damaged").catch(() => undefined))?.status === "failed");
    expect(await setsHolding(redis(), namespace, "person", "damaged")).toEqual({ failed: expect.any(Number) });
    expect((await jobs.findJob("damaged")).payload).toBe(raw);
  });

  it("findJob of a damaged record throws CorruptJobRecordError naming the job and the problem", async () => {
    const { jobs, namespace } = bundle<M>(strict);
    await seedRecord(redis(), namespace, "person", "damaged", "not json\n{}", "scheduled", Date.now() + 60_000);
    const error = await jobs.findJob("damaged").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptJobRecordError);
    expect(error).toMatchObject({ id: "damaged", code: "CORRUPT_RECORD", message: expect.stringContaining("not JSON") });
  });
});
