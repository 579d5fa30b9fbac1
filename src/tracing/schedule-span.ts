import { context, SpanKind, SpanStatusCode, trace, type Span, type SpanOptions } from "@opentelemetry/api";
import { MESSAGING_BATCH_MESSAGE_COUNT, MESSAGING_DESTINATION_NAME, MESSAGING_MESSAGE_ID, MESSAGING_OPERATION_NAME, MESSAGING_OPERATION_TYPE, MESSAGING_SYSTEM, SYSTEM, TRACER_NAME } from "./attributes.js";
import { encodeTraceContext, inTrace, type StoredTraceContext } from "./trace-context.js";

const PRODUCER: SpanOptions = { kind: SpanKind.PRODUCER };

/** The producer span of one schedule call, and the trace context its jobs store. */
export interface ScheduleSpan {
  readonly stored: StoredTraceContext;
  /**
   * Runs the write inside the span, and ends the span when it settles (with the error, if it
   * throws); `id` is the job's, for a call that schedules one.
   */
  run<T>(write: () => Promise<T>, id?: string): Promise<T>;
  /** Ends the span with an error thrown before the write (a bad option). */
  fail(error: unknown): void;
}

/**
 * A "send <type>" span for a schedule call of `count` jobs (one span for a whole bulk call), or
 * undefined when no tracer is registered and no span is active: then nothing is stored in the jobs
 * and the call costs what it did without tracing.
 */
export function startScheduleSpan(type: string, count: number): ScheduleSpan | undefined {
  const span = trace.getTracer(TRACER_NAME).startSpan(`send ${type}`, PRODUCER);
  const spanContext = span.spanContext();
  if (!inTrace(spanContext)) return undefined;
  if (span.isRecording()) {
    span.setAttributes({
      [MESSAGING_SYSTEM]: SYSTEM,
      [MESSAGING_OPERATION_TYPE]: "send",
      [MESSAGING_OPERATION_NAME]: "send",
      [MESSAGING_DESTINATION_NAME]: type,
    });
    if (count !== 1) span.setAttribute(MESSAGING_BATCH_MESSAGE_COUNT, count);
  }
  return {
    stored: encodeTraceContext(spanContext),
    run(write, id) {
      if (id !== undefined && span.isRecording()) span.setAttribute(MESSAGING_MESSAGE_ID, id);
      return context.with(trace.setSpan(context.active(), span), write).then(
        (result) => {
          span.end();
          return result;
        },
        (error: unknown) => {
          endWithError(span, error);
          throw error;
        },
      );
    },
    fail: (error) => endWithError(span, error),
  };
}

export function endWithError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}
