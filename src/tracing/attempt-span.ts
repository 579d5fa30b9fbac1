import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type SpanOptions } from "@opentelemetry/api";
import type { RecordHeader } from "../redis/record.js";
import { JOB_ATTEMPT, JOB_OUTCOME, JOB_SCHEMA_HASH, MESSAGING_DESTINATION_NAME, MESSAGING_MESSAGE_ID, MESSAGING_OPERATION_NAME, MESSAGING_OPERATION_TYPE, MESSAGING_SYSTEM, SYSTEM, TRACER_NAME } from "./attributes.js";
import { endWithError } from "./schedule-span.js";
import { decodeTraceContext, inTrace } from "./trace-context.js";

const CONSUMER: SpanOptions = { kind: SpanKind.CONSUMER };
/** Outcomes that end an attempt in error: its span's status says so. */
const FAILED_OUTCOMES = new Set(["retried", "failed", "rejected"]);

/** The consumer span of one attempt. */
export interface AttemptSpan {
  /** The handler, run inside the span's context: its own spans and logs nest under the attempt. */
  wrap<A extends unknown[], R>(handler: (...args: A) => R): (...args: A) => R;
  /** Ends the span with how the attempt settled, and its error (recorded on the span) if it failed. */
  end(outcome: string, error: Error | undefined): void;
}

/**
 * A "process <type>" span for one attempt: a child of the span that scheduled the job (a run of a
 * recurring job is linked to it instead, so its runs do not pile up in one trace for ever).
 * Undefined when no tracer is registered and the job stored no trace context: then the attempt
 * costs what it did without tracing.
 */
export function startAttemptSpan(id: string, header: RecordHeader): AttemptSpan | undefined {
  const scheduledBy = header.tp === undefined ? undefined : decodeTraceContext(header.tp, header.ts);
  let parent: Context = ROOT_CONTEXT;
  let options = CONSUMER;
  if (scheduledBy) {
    if (header.ev !== undefined || header.cr !== undefined) options = { kind: SpanKind.CONSUMER, links: [{ context: scheduledBy }] };
    else parent = trace.setSpanContext(ROOT_CONTEXT, scheduledBy);
  }
  const span = trace.getTracer(TRACER_NAME).startSpan(`process ${header.t}`, options, parent);
  const spanContext = span.spanContext();
  if (!inTrace(spanContext)) return undefined;
  if (span.isRecording()) {
    span.setAttributes({
      [MESSAGING_SYSTEM]: SYSTEM,
      [MESSAGING_OPERATION_TYPE]: "process",
      [MESSAGING_OPERATION_NAME]: "process",
      [MESSAGING_DESTINATION_NAME]: header.t,
      [MESSAGING_MESSAGE_ID]: id,
      [JOB_ATTEMPT]: header.a ?? 0,
    });
    if (header.h !== undefined) span.setAttribute(JOB_SCHEMA_HASH, header.h);
  }
  const inSpan = trace.setSpan(parent, span);
  return {
    wrap:
      (handler) =>
      (...args) =>
        context.with(inSpan, handler, undefined, ...args),
    end(outcome, error) {
      span.setAttribute(JOB_OUTCOME, outcome);
      if (FAILED_OUTCOMES.has(outcome) && error) endWithError(span, error);
      else span.end();
    },
  };
}
