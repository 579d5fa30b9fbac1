import { createTraceState, INVALID_SPAN_CONTEXT, isSpanContextValid, type SpanContext } from "@opentelemetry/api";

// A job carries the W3C trace context of the span that scheduled it: `tp` is the traceparent header's
// value, `ts` the tracestate's when there is one. Written here, not by the registered propagator, so
// the link holds whichever propagator (or none) the application configured.

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface StoredTraceContext {
  readonly tp: string;
  readonly ts?: string;
}

/**
 * Whether a span started here belongs to a trace: with no tracer registered it is the no-op span,
 * which carries INVALID_SPAN_CONTEXT itself, known without the validity check's regexes.
 */
export function inTrace(context: SpanContext): boolean {
  return context !== INVALID_SPAN_CONTEXT && isSpanContextValid(context);
}

export function encodeTraceContext(context: SpanContext): StoredTraceContext {
  const tp = `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
  const ts = context.traceState?.serialize();
  return ts ? { tp, ts } : { tp };
}

/** The remote span context a job stored, or undefined when it has none or it cannot be read. */
export function decodeTraceContext(tp: unknown, ts: unknown): SpanContext | undefined {
  if (typeof tp !== "string") return undefined;
  const match = TRACEPARENT.exec(tp);
  if (!match) return undefined;
  const context: SpanContext = { traceId: match[1]!, spanId: match[2]!, traceFlags: parseInt(match[3]!, 16), isRemote: true };
  if (typeof ts === "string" && ts !== "") context.traceState = createTraceState(ts);
  return isSpanContextValid(context) ? context : undefined;
}
