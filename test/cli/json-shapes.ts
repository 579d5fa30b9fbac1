/**
 * The `--json` documents of the `typed-jobs` CLI as docs/cli.md describes them, as schemas: a document
 * with a missing, mistyped or undocumented field fails its check.
 */
import Type, { type TSchema } from "typebox";
import { Value } from "typebox/value";
import { expect } from "vitest";

const Iso = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$" });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Closed = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties, { additionalProperties: false });
const Status = Type.Union(["queued", "executing", "finished", "failed", "cancelled", "rejected", "deferred"].map((s) => Type.Literal(s)));
const Count = Type.Integer({ minimum: 0 });
const StatusCounts = Closed({ queued: Count, executing: Count, finished: Count, failed: Count, cancelled: Count, rejected: Count, deferred: Count });
const WhereValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const JobShape = Closed({
  id: Type.String(),
  type: Type.String(),
  status: Status,
  payload: Type.Unknown(),
  priority: Type.Integer(),
  runAt: Iso,
  createdAt: Iso,
  attempts: Count,
  retriesLeft: Count,
  retries: Count,
  startedAt: Nullable(Iso),
  finishedAt: Nullable(Iso),
  durationMs: Nullable(Type.Number({ minimum: 0 })),
  error: Nullable(Closed({ name: Type.String(), message: Type.String(), stack: Nullable(Type.String()), issues: Type.Array(Closed({ path: Type.String(), message: Type.String() })) })),
  recurrence: Type.Union([Closed({ every: Type.Number() }), Closed({ cron: Type.String(), timezone: Nullable(Type.String()) }), Type.Null()]),
  schemaHash: Nullable(Type.String()),
  poolId: Nullable(Type.String()),
  cancelRequested: Type.Boolean(),
  deferred: Nullable(Closed({ identity: Type.String(), since: Iso, deadline: Iso })),
});

const Contract = Closed({ schemaHash: Nullable(Type.String()), newestSchemaHash: Nullable(Type.String()), passes: Nullable(Type.Boolean()) });
const Progress = Closed({ scanned: Count, matched: Count, changed: Count, total: Count, batches: Count });

export const shapes = {
  stats: Closed({
    at: Iso,
    total: StatusCounts,
    types: Type.Array(Closed({ type: Type.String(), counts: StatusCounts, delayed: Count, oldestDueAgeMs: Nullable(Type.Number({ minimum: 0 })), paused: Type.Boolean() })),
    livePools: Count,
    throughput: Nullable(Type.Array(Closed({ minute: Iso, finished: Count, failed: Count }))),
  }),
  ls: Closed({ status: Status, type: Nullable(Type.String()), offset: Count, limit: Count, where: Type.Record(Type.String(), WhereValue), scanned: Count, truncated: Type.Boolean(), jobs: Type.Array(JobShape) }),
  show: Closed({ job: JobShape, contract: Contract }),
  action: Closed({
    action: Type.Union(["retry", "cancel", "destroy", "promote"].map((a) => Type.Literal(a))),
    results: Type.Array(Closed({ id: Type.String(), ok: Type.Boolean(), status: Nullable(Status), error: Nullable(Closed({ code: Type.String(), message: Type.String() })) })),
  }),
  bulk: Closed({
    action: Type.Union(["retry", "cancel", "destroy"].map((a) => Type.Literal(a))),
    selection: Closed({ type: Type.String(), status: Status, olderThan: Nullable(Type.String()), where: Type.Record(Type.String(), WhereValue) }),
    progress: Progress,
  }),
  pause: Closed({ type: Type.String(), paused: Type.Boolean(), pausedTypes: Type.Array(Type.String()) }),
  pools: Closed({
    pools: Type.Array(Closed({ id: Type.String(), host: Type.String(), pid: Type.Integer(), types: Type.Array(Type.String()), concurrency: Count, running: Count, startedAt: Iso, lastHeartbeat: Iso, identities: Type.Record(Type.String(), Type.Array(Type.String())) })),
  }),
  recurring: Closed({ recurring: Type.Array(Closed({ job: JobShape, nextRunAt: Iso, contract: Contract })) }),
  contracts: Closed({ contracts: Type.Array(Closed({ type: Type.String(), schemaHash: Type.String(), firstSeen: Iso, newest: Type.Boolean(), schema: Type.Object({}) })) }),
  scripts: Closed({ libraries: Type.Array(Closed({ name: Type.String(), current: Type.Boolean(), loadedOn: Count, primaries: Count })), deleted: Type.Array(Type.String()) }),
} satisfies Record<string, TSchema>;

/** Parses a run's stdout as one JSON document and checks it against the command's documented shape. */
export function documentOf(name: keyof typeof shapes, result: { readonly stdout: string; readonly stderr: string }): any {
  let doc: unknown;
  try {
    doc = JSON.parse(result.stdout);
  } catch {
    expect.fail(`typed-jobs ${name} --json printed no JSON document; stdout: ${result.stdout.slice(0, 500)}; stderr: ${result.stderr.slice(0, 1000)}`);
  }
  const errors = [...Value.Errors(shapes[name], doc)].map((e) => `${e.instancePath || "/"} ${e.message}`);
  expect(errors, `typed-jobs ${name} --json: ${result.stdout.slice(0, 2000)}`).toEqual([]);
  return doc;
}
