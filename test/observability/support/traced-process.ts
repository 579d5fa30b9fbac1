/**
 * One side of a traced job, in a process of its own: `node --import tsx traced-process.ts`, with
 * ROLE=producer (an HTTP-like server span schedules jobs) or ROLE=pool (a pool runs them), REDIS_URL,
 * NS and, for the pool, JOBS (how many attempts to wait for). Each registers the OpenTelemetry SDK
 * with an in-memory exporter and prints its finished spans as one JSON line when done.
 */
import { context, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createJobs } from "../../../src/index.js";
import { step, type SpanRecord, type TracedJobs } from "./traced-contract.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const app = trace.getTracer("test-app");

const jobs = createJobs<TracedJobs>({ step }, { redis: process.env["REDIS_URL"]!, namespace: process.env["NS"]! });

if (process.env["ROLE"] === "producer") {
  await app.startActiveSpan("POST /signup", { kind: SpanKind.SERVER }, async (request) => {
    await jobs.schedule("step", { mode: "ok" }, { id: "single" });
    await jobs.schedule("step", { mode: "flaky" }, { id: "flaky", retries: 1, backoff: { type: "fixed", delay: 1 } });
    await jobs.scheduleBulk("step", [{ mode: "ok" }, { mode: "fail" }, { mode: "ok" }]);
    request.end();
  });
} else {
  const expected = Number(process.env["JOBS"]);
  let attempts = 0;
  const pool = jobs.createPool({
    handlers: {
      step: async ({ mode }, job) => {
        // The handler's own span: it must nest under the attempt's.
        await app.startActiveSpan("handler work", async (work) => {
          work.end();
        });
        if (mode === "fail" || (mode === "flaky" && job.attempt === 1)) throw new Error(`${mode} attempt ${job.attempt}`);
      },
    },
  });
  const done = new Promise<void>((resolve) => pool.on("attempt", () => ++attempts === expected && resolve()));
  await pool.start();
  await done;
  await pool.close();
}
await jobs.close();
const spans: SpanRecord[] = exporter.getFinishedSpans().map((s) => ({
  name: s.name,
  kind: s.kind,
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parentSpanId: s.parentSpanContext?.spanId,
  attributes: { ...s.attributes },
  status: { ...s.status },
  events: s.events.map((e) => e.name),
  links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
}));
process.stdout.write(`${JSON.stringify(spans)}\n`);
