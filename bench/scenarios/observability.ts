import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { AlwaysOffSampler, BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { Registry } from "prom-client";
import { createJobs } from "typed-jobs";
import { createMetrics } from "typed-jobs/metrics";
import { payload, type Payload } from "../adapters/adapter.js";
import { welcomeType } from "../adapters/typed-jobs.js";
import { median, until } from "../stats.js";
import { perSecond, type Metric, type RunContext, type Scenario } from "./scenario.js";

const CONCURRENCY = 50;
/** Rounds of every mode per run, the order rotating, so a drift of the machine's load hits all alike. */
const PASSES = 3;
const TIMEOUT_MS = 180_000;

type M = { welcome: Payload };
type Mode = "off" | "metrics" | "sampled-out" | "traced";
const MODES: readonly Mode[] = ["off", "metrics", "sampled-out", "traced"];

/** An exporter that drops every span: what the SDK costs without the cost of sending spans anywhere. */
const dropAll: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined };

/**
 * What observability costs processing: N waiting jobs (scheduled under the same settings) processed by
 * one pool at c=50 with nothing on; with the Prometheus collector; with the collector and the
 * OpenTelemetry SDK registered but sampling nothing (a no-op tracer: spans are made, none recorded); and
 * with the collector and the SDK recording every schedule and attempt span into an exporter that
 * drops them. Reports each rate and its ratio to the first (1 = free).
 */
export const observabilityCost: Scenario = {
  name: "observability",
  group: "ops",
  libs: ["typed-jobs"],
  async run({ redis, sizes, queue, round }: RunContext): Promise<Metric[]> {
    const rates: Record<Mode, number[]> = { off: [], metrics: [], "sampled-out": [], traced: [] };
    // A first run warms the JIT and the server; it is not counted.
    await processOnce(redis.url, `${queue}-warmup`, sizes.process, "traced");
    for (let pass = 0; pass < PASSES; pass++) {
      for (let k = 0; k < MODES.length; k++) {
        const mode = MODES[(k + pass + round) % MODES.length]!;
        await redis.flush();
        rates[mode].push(await processOnce(redis.url, `${queue}-${pass}-${mode}`, sizes.process, mode));
      }
    }
    console.error(`observability: ${MODES.map((m) => `${m} ${rates[m].map(Math.round).join(", ")}`).join("; ")} jobs/s`);
    const off = median(rates.off);
    const row = (what: string) => `process, 1 pool, c=${CONCURRENCY}, ${what}`;
    return [
      { row: row("no metrics, no-op tracer (none registered)"), unit: "jobs/s", better: "higher", value: off },
      { row: row("metrics on, no-op tracer"), unit: "jobs/s", better: "higher", value: median(rates.metrics) },
      { row: row("metrics + SDK tracer sampling nothing"), unit: "jobs/s", better: "higher", value: median(rates["sampled-out"]) },
      { row: row("metrics + SDK tracing all, no-op exporter"), unit: "jobs/s", better: "higher", value: median(rates.traced) },
      { row: "metrics cost: on / off (1 = free)", unit: "ratio", better: "higher", value: median(rates.metrics) / off },
      { row: "tracing cost, sampled out: / off", unit: "ratio", better: "higher", value: median(rates["sampled-out"]) / off },
      { row: "tracing cost, all traced: / off", unit: "ratio", better: "higher", value: median(rates.traced) / off },
    ];
  },
};

/** Registers the mode's tracer provider (none for off and metrics) for the run; returns its shutdown. */
function useTracing(mode: Mode): () => Promise<void> {
  trace.disable();
  context.disable();
  if (mode === "off" || mode === "metrics") return async () => undefined;
  const provider =
    mode === "sampled-out" ? new BasicTracerProvider({ sampler: new AlwaysOffSampler() }) : new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropAll)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  };
}

async function processOnce(url: string, namespace: string, n: number, mode: Mode): Promise<number> {
  const stopTracing = useTracing(mode);
  const jobs = createJobs<M>({ welcome: welcomeType(true) }, { redis: url, namespace });
  try {
    const metrics = mode === "off" ? undefined : createMetrics({ registry: new Registry(), jobs });
    for (let i = 0; i < n; i += 1000) await jobs.scheduleBulk("welcome", Array.from({ length: Math.min(1000, n - i) }, (_, k) => payload(i + k)));
    let done = 0;
    const pool = jobs.createPool({ concurrency: CONCURRENCY, handlers: { welcome: async () => undefined } });
    metrics?.observePool(pool);
    pool.on("finished", () => done++);
    pool.on("error", (e) => console.error("typed-jobs pool error:", e));
    const t0 = performance.now();
    await pool.start();
    await until(() => done >= n, TIMEOUT_MS, `${n} jobs processed (${mode})`);
    const ms = performance.now() - t0;
    await pool.close();
    return perSecond(n, ms);
  } finally {
    await jobs.close();
    await stopTracing();
  }
}
