import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { InvalidOptionError } from "typed-jobs";
import { anyPayload, jobType, useRedis } from "../support/setup.js";
import { headerOf, seedRecord, useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";

// Tracing in one process with the SDK registered (this file's worker only): what a job stores, a
// recurring job's runs, a trace context that cannot be read, and a schedule call that throws.

type M = { task: { n: number } };
const types = { task: jobType<{ n: number }>("task", anyPayload) };

const { server, bundle } = useRedis();
const redis = useRedisClient(server);
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);

describe("tracing in one process", () => {
  it("a job stores its schedule span's traceparent; every job of a bulk call stores the one span's", async () => {
    const { jobs, namespace } = bundle<M>(types);
    const one = await jobs.schedule("task", { n: 1 });
    const bulk = await jobs.scheduleBulk("task", [{ n: 2 }, { n: 3 }]);
    const [oneSpan, bulkSpan] = spans("send task");
    const traceparent = (s: ReadableSpan) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`;
    expect((await headerOf(redis(), namespace, one.id)).tp).toBe(traceparent(oneSpan!));
    for (const job of bulk) expect((await headerOf(redis(), namespace, job.id)).tp).toBe(traceparent(bulkSpan!));
  });

  it("each run of a recurring job starts its own trace, linked to the span that scheduled it", async () => {
    const { jobs, pool } = bundle<M>(types);
    await jobs.scheduleRecurring("task", { n: 1 }, { every: "50ms" });
    const [send] = spans("send task");
    await pool({ handlers: { task: () => undefined } }).start();
    await waitUntil(() => spans("process task").length >= 2);
    for (const run of spans("process task").slice(0, 2)) {
      expect(run.parentSpanContext).toBeUndefined();
      expect(run.spanContext().traceId).not.toBe(send!.spanContext().traceId);
      expect(run.links.map((l) => l.context.spanId)).toEqual([send!.spanContext().spanId]);
    }
  });

  it("a trace context that cannot be read is ignored: the attempt runs in a trace of its own", async () => {
    const { namespace, pool } = bundle<M>(types);
    await seedRecord(redis(), namespace, "task", "odd", `{"at":${Date.now()},"t":"task","tp":"00-not-a-trace"}\n{"n":1}`, "queue");
    const p = pool({ handlers: { task: () => undefined } });
    const finished = new Promise((resolve) => p.on("finished", resolve));
    await p.start();
    await finished;
    await waitUntil(() => spans("process task").length === 1);
    expect(spans("process task")[0]).toMatchObject({ parentSpanContext: undefined, links: [], attributes: { "typed_jobs.job.outcome": "finished" } });
  });

  it("a schedule call that throws on a bad option ends its span in error, and writes nothing", async () => {
    const { jobs } = bundle<M>(types);
    await expect(jobs.schedule("task", { n: 1 }, { priority: 5000 })).rejects.toBeInstanceOf(InvalidOptionError);
    expect(spans("send task")).toMatchObject([{ status: { code: SpanStatusCode.ERROR }, events: [{ name: "exception" }] }]);
    expect((await jobs.counts()).total.queued).toBe(0);
  });
});
