import { assertJobTypes } from "../contract/job-definition-rules.js";
import type { JobType, JobTypes } from "../contract/job-type.js";
import { ClosedError, InvalidOptionError, UnknownJobTypeError } from "../errors.js";
import type { BulkOptions, BulkProgress, CountsByType, JobSnapshot, JobStatus, ListOptions, PoolInfo, RegisteredContract, ScheduleOptions, Stats, ThroughputPoint } from "../interfaces.js";
import { OperationsRuntime } from "../ops/operations.js";
import { publishContracts } from "../ops/registry.js";
import { indexRecurring } from "../redis/recurring-index.js";
import { toMilliseconds } from "../options/duration.js";
import { encodeRecurrence, firstRunAt, type Recurrence } from "../options/recurrence.js";
import { createRedisClient, type RedisClient } from "../redis/connection.js";
import { KeySpace } from "../redis/keys.js";
import { ScriptRunner } from "../redis/script-runner.js";
import { schedule, scheduleOne, type ScheduleEntry, type ScheduleResult } from "../redis/scripts/schedule.js";
import { Pool } from "../pool/pool.js";
import type { Handler, Pool as PoolApi, PoolOptions } from "../pool/pool-api.js";
import type { RetentionConfig } from "../pool/retention-sweeper.js";
import { Queries } from "../store/queries.js";
import type { RecordHeader } from "../redis/record.js";
import { toSnapshot } from "../store/job-record.js";
import { Job, readSnapshot, type JobContext } from "./job.js";
import type { Jobs, JobsOptions, ScheduledListener, TypedBulkSelection } from "./jobs-api.js";
import { ScheduleBatcher } from "./schedule-batcher.js";
import { tracedSchedule } from "./traced-schedule.js";
import { checkPayload, checkPayloads, scheduleEntry } from "./schedule-entry.js";

const DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

interface Connection {
  readonly redis: RedisClient;
  readonly runner: ScriptRunner;
  readonly batcher: ScheduleBatcher;
  readonly queries: Queries;
  readonly ops: OperationsRuntime;
}

/**
 * The runtime of one contract. Connects lazily on first use, so a generated module can be imported
 * and configured before anything touches Redis.
 */
class JobsRuntime<M> implements Jobs<M> {
  private options: JobsOptions;
  private connection: Connection | undefined;
  private keySpace: KeySpace;
  private readonly scheduledListeners = new Set<ScheduledListener>();
  private readonly ctx: JobContext = { runner: () => this.connect().runner, queries: () => this.connect().queries };

  constructor(readonly types: JobTypes<M>, options: JobsOptions = {}) {
    this.options = options;
    this.keySpace = keySpaceOf(options);
  }

  configure(options: JobsOptions): void {
    if (this.connection) throw new ClosedError("configure", "configure() after first use; call close() first: the runtime");
    this.options = { ...this.options, ...options };
    this.keySpace = keySpaceOf(this.options);
  }

  async schedule<K extends keyof M & string>(type: K, payload: M[K], options: ScheduleOptions = {}): Promise<Job<M[K]>> {
    const jobType = this.jobType(type, "schedule");
    checkPayload("schedule", jobType, payload);
    return tracedSchedule(
      jobType.name,
      1,
      (traceContext) => [scheduleEntry("schedule", jobType, payload, options, this.maxPayloadBytes(), undefined, traceContext)],
      ([entry]) => this.writeBatched(entry!, payload, "schedule"),
    );
  }

  async scheduleBulk<K extends keyof M & string>(type: K, payloads: readonly M[K][], options: ScheduleOptions = {}): Promise<Job<M[K]>[]> {
    const jobType = this.jobType(type, "scheduleBulk");
    if (options.id !== undefined && payloads.length > 1) throw new InvalidOptionError("scheduleBulk", "id", "cannot be shared by several jobs");
    // Every payload is checked before any is encoded: a validator run over the whole batch at once
    // stays in the CPU's caches, and interleaved with the encoding it was measurably slower.
    checkPayloads("scheduleBulk", jobType, payloads);
    if (payloads.length === 0) return [];
    return tracedSchedule(
      jobType.name,
      payloads.length,
      (traceContext) => payloads.map((payload) => scheduleEntry("scheduleBulk", jobType, payload, options, this.maxPayloadBytes(), undefined, traceContext)),
      (entries) => this.write(entries, payloads, "scheduleBulk"),
    );
  }

  async scheduleRecurring<K extends keyof M & string>(type: K, payload: M[K], recurrence: Recurrence, options: ScheduleOptions = {}): Promise<Job<M[K]>> {
    const fields = encodeRecurrence(recurrence, "scheduleRecurring");
    const first = options.runAt === undefined && options.delay === undefined ? firstRunAt(fields, Date.now()) : undefined;
    const jobType = this.jobType(type, "scheduleRecurring");
    checkPayload("scheduleRecurring", jobType, payload);
    const timing = first ? { ...options, runAt: first } : options;
    return tracedSchedule(
      jobType.name,
      1,
      (traceContext) => [scheduleEntry("scheduleRecurring", jobType, payload, timing, this.maxPayloadBytes(), fields, traceContext)],
      async ([entry]) => {
        // Scheduled first, indexed after: a reader between the two only misses it, and prunes nothing it
        // cannot see. A crash in between is healed by settle.lua, which indexes every recurring run.
        const job = await this.writeOne(entry!, payload, "scheduleRecurring");
        await indexRecurring(this.connect().redis, this.keySpace, entry!.id, "scheduleRecurring");
        return job;
      },
    );
  }

  onScheduled(listener: ScheduledListener): () => void {
    this.scheduledListeners.add(listener);
    return () => this.scheduledListeners.delete(listener);
  }

  async findJob(id: string): Promise<Job<unknown>> {
    return new Job(this.ctx, await readSnapshot(this.ctx, id, "findJob"));
  }

  counts(): Promise<CountsByType> {
    return this.ops().counts();
  }

  async listJobs(status: JobStatus, options: ListOptions = {}): Promise<Job<unknown>[]> {
    return this.handles(await this.ops().listJobs(status, options));
  }

  async running(): Promise<number> {
    const { queries } = this.connect();
    return queries.running(await queries.types(Object.keys(this.types)));
  }

  pause(type: keyof M & string): Promise<void> {
    return this.ops().pause(this.jobType(type, "pause").name);
  }

  resume(type: keyof M & string): Promise<void> {
    return this.ops().resume(this.jobType(type, "resume").name);
  }

  pausedTypes(): Promise<string[]> {
    return this.ops().pausedTypes();
  }

  async retry(id: string): Promise<Job<unknown>> {
    return new Job(this.ctx, await this.ops().retry(id));
  }

  async promote(id: string): Promise<Job<unknown>> {
    return new Job(this.ctx, await this.ops().promote(id));
  }

  retryAll<K extends keyof M & string>(selection: TypedBulkSelection<K>, options?: BulkOptions): Promise<BulkProgress> {
    this.jobType(selection.type, "retryAll");
    return this.ops().retryAll(selection, options);
  }

  cancelAll<K extends keyof M & string>(selection: TypedBulkSelection<K>, options?: BulkOptions): Promise<BulkProgress> {
    this.jobType(selection.type, "cancelAll");
    return this.ops().cancelAll(selection, options);
  }

  destroyAll<K extends keyof M & string>(selection: TypedBulkSelection<K>, options?: BulkOptions): Promise<BulkProgress> {
    this.jobType(selection.type, "destroyAll");
    return this.ops().destroyAll(selection, options);
  }

  stats(): Promise<Stats> {
    return this.ops().stats();
  }

  throughput(type: keyof M & string, minutes?: number): Promise<ThroughputPoint[]> {
    return this.ops().throughput(this.jobType(type, "throughput").name, minutes);
  }

  pools(): Promise<PoolInfo[]> {
    return this.ops().pools();
  }

  contracts(): Promise<RegisteredContract[]> {
    return this.ops().contracts();
  }

  async recurring(): Promise<Job<unknown>[]> {
    return this.handles(await this.ops().recurring());
  }

  createPool<K extends keyof M & string>(options: PoolOptions<M, K>): PoolApi {
    const { handlers, types, ...tuning } = options;
    return new Pool({
      redis: this.options.redis,
      keys: this.keySpace,
      jobTypes: this.types as Readonly<Record<string, JobType<unknown>>>,
      handlers: handlers as unknown as Readonly<Record<string, Handler<unknown>>>,
      tuning,
      retention: retentionOf(this.options),
      ...(types ? { wanted: types } : {}),
    });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.redis.quit().catch(() => connection.redis.disconnect());
  }

  private async write<P>(entries: ScheduleEntry[], payloads: readonly P[], op: string): Promise<Job<P>[]> {
    const results = await schedule(this.connect().runner, entries);
    if (this.scheduledListeners.size > 0) this.tellScheduled(entries[0]!.type, results.filter((r) => r.created).length);
    return Promise.all(results.map((result, i) => this.handleOf(entries[i]!, payloads[i]!, result, op)));
  }

  private async writeOne<P>(entry: ScheduleEntry, payload: P, op: string): Promise<Job<P>> {
    return this.written(entry, payload, await scheduleOne(this.connect().runner, entry), op);
  }

  /** One job, sent with the other schedule calls of its tick (ScheduleBatcher). */
  private async writeBatched<P>(entry: ScheduleEntry, payload: P, op: string): Promise<Job<P>> {
    return this.written(entry, payload, await this.connect().batcher.schedule(entry), op);
  }

  private written<P>(entry: ScheduleEntry, payload: P, result: ScheduleResult, op: string): Promise<Job<P>> {
    if (this.scheduledListeners.size > 0) this.tellScheduled(entry.type, result.created ? 1 : 0);
    return this.handleOf(entry, payload, result, op);
  }

  /** A listener that throws must not fail a schedule that has been written. */
  private tellScheduled(type: string, created: number): void {
    for (const listener of this.scheduledListeners) {
      try {
        listener(type, created);
      } catch {
        // the jobs are written; a broken metrics hook is not the caller's error
      }
    }
  }

  // A new job's handle comes from what was written; an existing id returns the job that holds it, as
  // it is now (the only case that reads back).
  private async handleOf<P>(entry: ScheduleEntry, payload: P, result: ScheduleResult, op: string): Promise<Job<P>> {
    const { id, created } = result;
    if (created) return new Job<P>(this.ctx, newSnapshot(entry, payload, result));
    return new Job<P>(this.ctx, (await readSnapshot(this.ctx, id, op)) as JobSnapshot<P>);
  }

  private handles(snapshots: readonly JobSnapshot[]): Job<unknown>[] {
    return snapshots.map((snapshot) => new Job(this.ctx, snapshot));
  }

  private ops(): OperationsRuntime {
    return this.connect().ops;
  }

  private jobType(type: string, op: string): JobType<unknown> {
    const jobType = (this.types as Record<string, JobType<unknown> | undefined>)[type];
    if (!jobType || !Object.hasOwn(this.types, type)) throw new UnknownJobTypeError(op, type, Object.keys(this.types));
    return jobType;
  }

  private maxPayloadBytes(): number {
    return this.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  private connect(): Connection {
    if (!this.connection) {
      const redis = createRedisClient(this.options.redis);
      redis.on("error", () => undefined);
      const keys = this.keySpace;
      const runner = new ScriptRunner(redis, keys, { coalesceWrites: true });
      const queries = new Queries(redis, keys);
      const types = this.types as Readonly<Record<string, JobType<unknown>>>;
      const knownTypes = Object.keys(types);
      const ops = new OperationsRuntime({ redis, runner, queries, keys, knownTypes, schemaOf: async (type) => (Object.hasOwn(types, type) ? types[type]!.schema : undefined) });
      this.connection = { redis, runner, batcher: new ScheduleBatcher(redis, runner), queries, ops };
      // The contract registry learns this runtime's schemas on its first connection; a failure (Redis
      // away) is left to the next runtime or pool to publish, as the pools' own publishing is.
      void publishContracts(redis, runner, keys, Object.values(types)).catch(() => undefined);
    }
    return this.connection;
  }
}

/**
 * The snapshot of a job just created, without reading it back: its times from the Redis time the
 * script replied with, as the record has them; queued, or executing when it was handed straight to
 * an idle pool.
 */
function newSnapshot<P>(entry: ScheduleEntry, payload: P, { nowMs, handedTo }: ScheduleResult): JobSnapshot<P> {
  const now = nowMs ?? Date.now();
  // Object.assign, not `{ ...entry.header, at, s, c }`: Node 20 runs a spread followed by fields
  // slowly, and this runs for every job scheduled.
  const header: RecordHeader = Object.assign({ at: entry.runAt ?? now + entry.delayMs, s: "queued" as const, c: now }, entry.header);
  if (handedTo !== undefined) Object.assign(header, { s: "executing", a: 1, st: now, w: handedTo });
  return toSnapshot(entry.id, { header, payloadJson: "" }, payload);
}

function keySpaceOf(options: JobsOptions): KeySpace {
  return new KeySpace(options.prefix ?? "tj:", options.namespace ?? "default");
}

function retentionOf(options: JobsOptions): RetentionConfig {
  const r = options.retention ?? {};
  return {
    finishedCount: r.finishedCount ?? 1000,
    finishedAgeMs: toMilliseconds(r.finishedAge ?? "1h", "retention.finishedAge", "configure"),
    failedCount: r.failedCount ?? 10_000,
    failedAgeMs: toMilliseconds(r.failedAge ?? "7d", "retention.failedAge", "configure"),
    sweepMs: 5_000,
  };
}

/** The runtime of a contract's job types; generated modules call this once. */
export function createJobs<M>(types: JobTypes<M>, options: JobsOptions = {}): Jobs<M> {
  assertJobTypes(types as Readonly<Record<string, JobType<unknown>>>, "createJobs");
  return new JobsRuntime<M>(types, options);
}
