import type { JobType } from "../../../src/index.js";

/**
 * The one job type of the fault scenarios. What the handler does comes from the payload, so one child
 * pool script serves every scenario:
 * - `ms`: sleep this long, then succeed (default 0)
 * - `kind: "hang"`: never settle (a promise that never resolves, ignoring the abort signal)
 * - `kind: "throw"`: throw `value` (a string, an object, null: anything but an Error)
 * - `kind: "throw-unprintable"`: throw an object neither JSON nor String() can print (null prototype, cyclic)
 * - `kind: "block"`: on the first attempt only, busy-loop `ms` on the event loop, then succeed
 */
export interface WorkPayload {
  readonly n: number;
  readonly ms?: number;
  readonly kind?: "hang" | "throw" | "throw-unprintable" | "block";
  readonly value?: unknown;
}

export type FaultJobs = { work: WorkPayload };

export const work: JobType<WorkPayload> = {
  name: "work",
  schemaHash: "faults-work",
  schema: {},
  check: (value: unknown): value is WorkPayload => typeof value === "object" && value !== null && typeof (value as { n?: unknown }).n === "number",
  errors: () => [{ path: "/n", message: "must be a number" }],
};

export const faultTypes = { work };

/** Where the handler records each execution it starts: field `<id>#<attempt>`, value the pool's tag. */
export const execKey = (namespace: string): string => `faults:{${namespace}}:exec`;
/** Where the handler records each execution that ran to its end. */
export const doneKey = (namespace: string): string => `faults:{${namespace}}:done`;
