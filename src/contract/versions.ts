import type { Static, TSchema } from "typebox";

/** Where a payload schema built by `versions()` keeps its earlier versions and the steps between them. */
export const PAYLOAD_VERSIONS: unique symbol = Symbol.for("typed-jobs.payloadVersions") as never;

/** A pure, synchronous step from one payload version to the next; it may throw to reject the job. */
export type MigrationStep<From = never, To = unknown> = (payload: From) => To;

/** The versions of a payload, oldest first, and the step from each to the next (`steps[i]`: versions[i] → versions[i + 1]). */
export interface PayloadVersionChain {
  readonly schemas: readonly TSchema[];
  readonly steps: readonly MigrationStep[];
}

/** A payload schema that is the newest of a chain: usable as `payload`, and extensible with `to`. */
export type VersionedPayload<S extends TSchema> = S & {
  /** The next version of the payload, and the step from this one to it (checked by tsc as `(Static<S>) => Static<N>`). */
  to<N extends TSchema>(next: N, step: (payload: Static<S>) => Static<N>): VersionedPayload<N>;
  readonly [PAYLOAD_VERSIONS]: PayloadVersionChain;
};

/**
 * Declares a payload with earlier versions: `payload: versions(V1).to(V2, (p) => ({ ...p, currency: "EUR" }))`.
 * Jobs written under V1 are validated against V1 when claimed, run through each step and validated
 * against the newest before the handler sees them. `jobs-gen` matches each version with the lock.
 * Named `to`, not `then`: an object with a `then` method is taken for a promise by `await`.
 */
export function versions<S extends TSchema>(first: S): VersionedPayload<S> {
  return chained(first, { schemas: [first], steps: [] });
}

function chained<S extends TSchema>(newest: S, chain: PayloadVersionChain): VersionedPayload<S> {
  // The newest schema's own keys stay as they are (it is the payload schema); the chain and `to` live
  // on a prototype, out of the JSON Schema that is embedded, hashed and published.
  const proto = {
    [PAYLOAD_VERSIONS]: chain,
    to<N extends TSchema>(next: N, step: (payload: Static<S>) => Static<N>): VersionedPayload<N> {
      return chained(next, { schemas: [...chain.schemas, next], steps: [...chain.steps, step as MigrationStep] });
    },
  };
  return Object.assign(Object.create(proto) as object, newest) as VersionedPayload<S>;
}

/** The chain of a payload declared with `versions()`; undefined for a plain schema. */
export function payloadVersions(payload: unknown): PayloadVersionChain | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const chain = (payload as { [PAYLOAD_VERSIONS]?: PayloadVersionChain })[PAYLOAD_VERSIONS];
  return chain && Array.isArray(chain.schemas) && Array.isArray(chain.steps) ? chain : undefined;
}
