import { describe, expect, it } from "vitest";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { headerOf, useRedisClient } from "../support/redis-state.js";
import { runTraced } from "./support/run-traced.js";
import type { SpanRecord } from "./support/traced-contract.js";

// OpenTelemetry across two processes: an HTTP-like span in a producer process schedules jobs, a pool in
// another process runs them; the SDK's in-memory exporter in each shows one trace from the request to
// the handler's own spans.

const { server, bundle } = useRedis();
const redis = useRedisClient(server);

describe("OpenTelemetry traces from schedule to handler", () => {
  it("one trace runs from a request span through schedule (one span per call, bulk included) to each attempt's span and the handler's spans, across two processes; a failed attempt shows on its span", async () => {
    const namespace = `traced-${process.pid}`;
    const env = { REDIS_URL: server().url, NS: namespace };
    const produced = await runTraced({ ...env, ROLE: "producer" });
    // single, flaky twice (its first attempt fails), three from the bulk call
    const consumed = await runTraced({ ...env, ROLE: "pool", JOBS: "6" });

    const request = only(produced, (s) => s.name === "POST /signup");
    const sends = produced.filter((s) => s.name === "send step");
    expect(sends).toHaveLength(3);
    for (const span of [...produced, ...consumed]) expect(span.traceId, span.name).toBe(request.traceId);
    for (const send of sends) {
      expect(send).toMatchObject({ kind: SpanKind.PRODUCER, parentSpanId: request.spanId });
      expect(send.attributes).toMatchObject({ "messaging.system": "typed_jobs", "messaging.operation.type": "send", "messaging.operation.name": "send", "messaging.destination.name": "step" });
    }
    const sendOf = (id: string) => only(sends, (s) => s.attributes["messaging.message.id"] === id);
    const bulkSend = only(sends, (s) => s.attributes["messaging.batch.message_count"] === 3);
    expect(bulkSend.attributes["messaging.message.id"]).toBeUndefined();

    const attempts = consumed.filter((s) => s.name === "process step");
    expect(attempts).toHaveLength(6);
    for (const span of attempts) {
      expect(span.kind).toBe(SpanKind.CONSUMER);
      expect(span.attributes).toMatchObject({ "messaging.system": "typed_jobs", "messaging.operation.type": "process", "messaging.destination.name": "step", "typed_jobs.job.schema_hash": "traced-step" });
    }
    const single = only(attempts, (s) => s.attributes["messaging.message.id"] === "single");
    expect(single).toMatchObject({ parentSpanId: sendOf("single").spanId, status: { code: SpanStatusCode.UNSET }, events: [] });
    expect(single.attributes).toMatchObject({ "typed_jobs.job.attempt": 1, "typed_jobs.job.outcome": "finished" });

    const flaky = attempts.filter((s) => s.attributes["messaging.message.id"] === "flaky").sort((a, b) => Number(a.attributes["typed_jobs.job.attempt"]) - Number(b.attributes["typed_jobs.job.attempt"]));
    expect(flaky.map((s) => s.parentSpanId)).toEqual([sendOf("flaky").spanId, sendOf("flaky").spanId]);
    expect(flaky[0]).toMatchObject({ status: { code: SpanStatusCode.ERROR, message: "flaky attempt 1" }, events: ["exception"], attributes: { "typed_jobs.job.attempt": 1, "typed_jobs.job.outcome": "retried" } });
    expect(flaky[1]).toMatchObject({ status: { code: SpanStatusCode.UNSET }, attributes: { "typed_jobs.job.attempt": 2, "typed_jobs.job.outcome": "finished" } });

    const fromBulk = attempts.filter((s) => s.parentSpanId === bulkSend.spanId);
    expect(fromBulk.map((s) => s.attributes["typed_jobs.job.outcome"]).sort()).toEqual(["failed", "finished", "finished"]);
    expect(only(fromBulk, (s) => s.attributes["typed_jobs.job.outcome"] === "failed")).toMatchObject({ status: { code: SpanStatusCode.ERROR, message: "fail attempt 1" }, events: ["exception"] });

    // The handler ran inside its attempt's span: each attempt has exactly one "handler work" child.
    const work = consumed.filter((s) => s.name === "handler work");
    expect(work.map((s) => s.parentSpanId).sort()).toEqual(attempts.map((s) => s.spanId).sort());
  });

  it("with no tracer registered a job stores no trace context, and runs as ever", async () => {
    const { jobs, namespace, pool } = bundle<{ plain: { n: number } }>({ plain: jobType("plain", anyPayload) });
    const one = await jobs.schedule("plain", { n: 1 });
    const [two] = await jobs.scheduleBulk("plain", [{ n: 2 }, { n: 3 }]);
    for (const id of [one.id, two!.id]) expect(await headerOf(redis(), namespace, id)).not.toHaveProperty("tp");
    const p = pool({ handlers: { plain: () => undefined } });
    const ran = new Promise((resolve) => p.on("finished", resolve));
    await p.start();
    await ran;
  });
});

function only(spans: readonly SpanRecord[], match: (span: SpanRecord) => boolean): SpanRecord {
  const found = spans.filter(match);
  expect(found).toHaveLength(1);
  return found[0]!;
}
