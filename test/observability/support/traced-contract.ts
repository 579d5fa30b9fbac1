import type { JobType } from "../../../src/index.js";

/** The job type of the tracing tests: `fail` throws, `flaky` throws on its first attempt only. */
export type Step = { readonly mode: "ok" | "fail" | "flaky" };
export type TracedJobs = { step: Step };

export const step: JobType<Step> = {
  name: "step",
  schemaHash: "traced-step",
  schema: {},
  check: (value: unknown): value is Step => typeof value === "object" && value !== null && typeof (value as { mode?: unknown }).mode === "string",
  errors: () => [{ path: "/mode", message: "must be a string" }],
};

/** A finished span as the child processes print it: what the tests compare. */
export interface SpanRecord {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Record<string, unknown>;
  readonly status: { code: number; message?: string };
  readonly events: readonly string[];
  readonly links: readonly { traceId: string; spanId: string }[];
}
