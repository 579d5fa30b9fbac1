import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import type { JobType } from "../contract/job-type.js";
import { ClosedError, JobsError, UnknownContractError, UnknownJobTypeError } from "../errors.js";
import type { JobSnapshot, NamespaceMismatch, PoolEvents } from "../interfaces.js";
import { createRedisClient, type RedisClient, type RedisConnectionOptions } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
import { toRedisError } from "../redis/redis-error.js";
import { ScriptRunner } from "../redis/script-runner.js";
import type { AttemptRef } from "../redis/scripts/attempt-ref.js";
import type { ClaimedRecord } from "../redis/scripts/claim.js";
import { unregisterPool } from "../redis/pool-registry.js";
import { poolInfoEncoder } from "../redis/pool-info.js";
import { release } from "../redis/scripts/release.js";
import { HANDOFF_POPS } from "../redis/scripts/handoff.js";
import { knownIdentityList, knowsIdentity } from "../redis/known-identities.js";
import { decodeRecord, type DecodedRecord } from "../redis/record.js";
import { publishContracts } from "../ops/registry.js";
import { parsedPayload, toSnapshot } from "../store/job-record.js";
import { Heartbeat } from "./heartbeat.js";
import { LeaseReaper } from "./lease-reaper.js";
import type { Handler, Pool as PoolApi, PoolTuning } from "./pool-api.js";
import { poolConfig, type PoolConfig } from "./pool-config.js";
import { RetentionSweeper, type RetentionConfig } from "./retention-sweeper.js";
import { Scheduler } from "./scheduler.js";
import { DeferralSweep } from "./deferral-sweep.js";
import { runAttempt, type ParsedPayload } from "./run-attempt.js";
import { SettleBatcher } from "./settle-batcher.js";
import { AttemptTracker } from "./attempt-tracker.js";
import { ClaimAhead } from "./claim-ahead.js";
import { HeldJobs } from "./held-jobs.js";
import { IdleWait } from "./idle-wait.js";
import { Claimer } from "./claimer.js";
import { assertHandlers } from "./handler-check.js";
import { NamespaceCheck } from "./namespace-check.js";
import { StderrReport } from "./stderr-report.js";
import { attemptReport, outcomeEvent } from "./attempt-report.js";
import { startAttemptSpan } from "../tracing/attempt-span.js";

export interface PoolDeps {
  readonly redis: string | RedisConnectionOptions | undefined;
  readonly keys: KeySpace;
  readonly jobTypes: Readonly<Record<string, JobType<unknown>>>;
  readonly handlers: Readonly<Record<string, Handler<unknown>>>;
  readonly tuning: PoolTuning;
  readonly retention: RetentionConfig;
  /** The types the pool must run, each with a handler; default the handlers' own. */
  readonly wanted?: readonly string[];
}

/**
 * Claims jobs of its handlers' types (its Claimer) and runs them, at most `concurrency` at once. It claims for its
 * free slots (two claims may be on the wire at once, each for part of them) and, while its handlers
 * finish in microseconds, for the jobs it expects to start within a few milliseconds (ClaimAhead); a
 * job claimed ahead that has not started within holdLimitMs is handed back. Once a claim finds the
 * queues drained it blocks on Redis, and wakes as soon as work arrives (its scheduler wakes it, or another
 * pool's, when a scheduled job falls due).
 */
export class Pool extends EventEmitter<PoolEvents> implements PoolApi {
  readonly id: string;
  readonly types: readonly string[];
  private readonly config: PoolConfig;
  private readonly redis: RedisClient;
  private readonly blocking: RedisClient;
  private readonly runner: ScriptRunner;
  private readonly batcher: SettleBatcher;
  private readonly tracker = new AttemptTracker();
  private readonly ahead: ClaimAhead;
  private readonly held: HeldJobs;
  private readonly idle: IdleWait;
  private readonly claimer: Claimer;
  private readonly heartbeat: Heartbeat;
  private readonly reaper: LeaseReaper;
  private readonly sweeper: RetentionSweeper;
  private readonly scheduler: Scheduler;
  private readonly deferralSweep: DeferralSweep;
  /** Per type (as `types`), the contract identities this pool's build knows, as the scripts take them. */
  private readonly known: readonly string[];
  private state: "new" | "running" | "closing" | "closed" = "new";
  private startedAt = 0;
  /** Made on the first heartbeat, after start() set startedAt. */
  private encodeInfo: ((running: number) => string) | undefined;
  private closed: Promise<void> | undefined;
  private readonly stderr: StderrReport;
  private readonly namespaceCheck: NamespaceCheck;

  constructor(private readonly deps: PoolDeps) {
    super();
    this.config = poolConfig(deps.tuning);
    this.id = this.config.id;
    this.ahead = new ClaimAhead(this.config.concurrency, this.config.claimAhead);
    this.held = new HeldJobs(this.config.holdLimitMs, () => this.startHeld());
    this.types = Object.keys(deps.handlers).sort();
    for (const type of this.types) {
      if (!deps.jobTypes[type]) throw new UnknownJobTypeError("createPool", type, Object.keys(deps.jobTypes));
    }
    assertHandlers(deps.handlers, deps.wanted);
    this.known = this.types.map((type) => knownIdentityList(deps.jobTypes[type]!.identities));
    this.redis = createRedisClient(deps.redis);
    this.blocking = createRedisClient(deps.redis, { blocking: true, longestWaitMs: this.config.idleWaitMs, waitsQueued: HANDOFF_POPS });
    this.stderr = new StderrReport(this.id);
    this.namespaceCheck = new NamespaceCheck(this.redis, deps.keys, this.types, (notice) => this.tellNamespaceMismatch(notice));
    for (const client of [this.redis, this.blocking]) client.on("error", () => undefined);
    this.runner = new ScriptRunner(this.redis, deps.keys);
    this.idle = new IdleWait(this.blocking, this.redis, deps.keys, this.types, this.known, this.config.leaseMs, this.id, (outcome) => this.claimer.popped(outcome));
    this.claimer = new Claimer(this.config, this.types, this.known, this.runner, this.idle, this.ahead, {
      slotsTaken: () => this.tracker.runningCount + this.held.length,
      startHeld: () => this.startHeld(),
      take: (jobs) => {
        this.held.add(jobs);
        this.startHeld();
      },
      takeHandedOver: (job) => this.startHandedOver(job),
      giveBack: (jobs) => this.giveBack(jobs),
      nextDue: (at, now) => this.scheduler.dueAt(at, now),
      report: (error) => this.report(error),
    });
    this.batcher = new SettleBatcher(this.runner, this.id, (error) => this.report(toRedisError("pool.settle", error)), undefined, { throughput: this.config.throughput });
    const report = (error: JobsError) => this.report(error);
    this.heartbeat = new Heartbeat(this.runner, this.config, this.tracker, report, () => this.describe());
    this.reaper = new LeaseReaper(this.runner, this.config, this.types, (ids, types) => this.emit("recovered", ids, types), report);
    this.sweeper = new RetentionSweeper(this.runner, this.types, deps.retention, report);
    this.scheduler = new Scheduler(this.runner, this.types, this.config.idleWaitMs, report);
    this.deferralSweep = new DeferralSweep(this.runner, this.types, this.known, this.config.heartbeatMs, (knownWaiting, rejected) => {
      this.claimer.deferredKnown(knownWaiting.length > 0);
      for (const job of rejected) this.emitUnknownContract(job);
    }, report);
  }

  get activeCount(): number {
    return this.tracker.runningCount;
  }

  async start(): Promise<void> {
    if (this.state !== "new") throw new ClosedError("pool.start", `pool ${this.id} was already started`);
    this.state = "running";
    this.startedAt = Date.now();
    const reached = this.namespaceCheck.run();
    if (this.config.waitForRedis) {
      reached.catch((error: unknown) => this.report(toRedisError("pool.start", error, this.redis)));
    } else {
      try {
        await reached;
      } catch (error) {
        // Nothing has started: the pool closes, so a process that gives up on it can exit.
        this.state = "closed";
        await this.disconnect();
        throw toRedisError("pool.start", error, this.redis);
      }
    }
    const published = this.types.map((type) => this.deps.jobTypes[type]!);
    void publishContracts(this.redis, this.runner, this.deps.keys, published).catch((error: unknown) => {
      if (this.state === "running") this.report(toRedisError("pool.publishContracts", error));
    });
    this.heartbeat.start();
    this.reaper.start();
    this.sweeper.start();
    this.scheduler.start();
    this.deferralSweep.start();
    this.claimer.start();
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  /** What the heartbeat publishes about this pool, for `pools()`: only `running` changes between beats. */
  private describe(): string {
    if (!this.encodeInfo) {
      const { concurrency, leaseMs } = this.config;
      const identities = Object.fromEntries(this.types.map((type) => [type, this.deps.jobTypes[type]!.identities ?? []]));
      this.encodeInfo = poolInfoEncoder({ host: hostname(), pid: process.pid, types: this.types, concurrency, startedAt: this.startedAt, leaseMs, identities });
    }
    return this.encodeInfo(this.tracker.runningCount);
  }

  /** Free slots beyond the jobs running and held: room for a job handed over. */
  private hasRoom(): boolean {
    return this.config.concurrency > this.tracker.runningCount + this.held.length;
  }

  private startHandedOver(job: ClaimedRecord): void {
    // Decoded once, here, for both the identity check and the attempt: this is the idle job's path.
    let record: DecodedRecord | undefined;
    try {
      record = decodeRecord(job.id, job.raw, "pool.claim");
    } catch {
      // startAttempt reports it
    }
    // A schedule hands a job over only when every idle pool knows its identity, but a pool whose
    // registration ended as it still waited may pop one: it goes back unstarted, for a claim to defer.
    if (record && !this.knowsIdentityOf(record)) {
      void this.giveBack([job]);
      return;
    }
    if (this.state === "running" && this.held.length === 0 && this.hasRoom()) this.startAttempt(job.id, job.raw, record);
    else this.held.add([job]);
  }

  private knowsIdentityOf({ header }: DecodedRecord): boolean {
    const index = this.types.indexOf(header.t);
    return index < 0 || knowsIdentity(this.known[index]!, header.h);
  }

  /** A job the deferral sweep rejected: the `rejected` and `attempt` events, as for a payload refused. */
  private emitUnknownContract(job: ClaimedRecord): void {
    try {
      const record = decodeRecord(job.id, job.raw, "pool.sweepDeferred");
      const error = new UnknownContractError("pool.sweepDeferred", record.header.t, record.header.h ?? "", record.header.e?.message ?? "unknown contract identity");
      if (this.listenerCount("rejected") > 0) this.emit("rejected", toSnapshot(job.id, record), error);
      if (this.listenerCount("attempt") > 0) this.emit("attempt", { id: job.id, type: record.header.t, attempt: record.header.a ?? 0, outcome: "rejected", handlerMs: undefined, waitMs: 0, error });
    } catch (thrown) {
      this.report(new JobsError("JOB_STATE", "pool.sweepDeferred", `job ${job.id}: a listener of its rejection threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`, { cause: thrown }));
    }
  }

  /** Starts held jobs in the free slots; those held too long go back to the queue instead. */
  private startHeld(): void {
    if (this.state !== "running") return; // close() hands them back
    const { start, overdue } = this.held.take(this.config.concurrency - this.tracker.runningCount);
    for (const { id, raw } of start) this.startAttempt(id, raw);
    if (overdue.length > 0) {
      this.ahead.slowedDown();
      void this.giveBack(overdue);
    }
  }

  /** `decoded`: the record, when the caller has decoded it already. */
  private startAttempt(id: string, raw: string, decoded?: DecodedRecord): void {
    let record = decoded;
    try {
      record ??= decodeRecord(id, raw, "pool.claim");
    } catch (error) {
      this.report(error as JobsError);
      return;
    }
    // A job handed to an idle pool is leased to the pool it was handed to, which another pool waiting
    // on the same list may have popped it for: the attempt is this pool's (settle writes that back).
    record.header.w = this.id;
    const type = record.header.t;
    const ref: AttemptRef = { id, attempt: record.header.a ?? 0, type };
    const abort = this.tracker.begin(ref);
    // One parse: the handler's payload is the snapshot's (an unreadable one shows as its text).
    // Parsed once, for both the handler and the snapshot listeners see.
    const payload = parsedPayload(record.payloadJson);
    // The snapshot is made when first wanted (a listener, the handler reading `job`), not on the way
    // from the claim's reply to the handler, where any work adds to the job's latency.
    const snapshot = snapshotOnce(id, record, payload);
    const startedAt = performance.now();
    if (this.listenerCount("started") > 0) this.emit("started", snapshot());
    // Undefined when no tracer is registered and the job carries no trace: the attempt runs as without tracing.
    const span = startAttemptSpan(id, record.header);
    const handler = this.deps.handlers[type]!;
    runAttempt({ id, record, payload, snapshot, jobType: this.deps.jobTypes[type]!, handler: span ? span.wrap(handler) : handler, abort }).then(
      ({ settlement, error }) => {
        try {
          const handlerMs = performance.now() - startedAt;
          this.ahead.record(handlerMs);
          this.tracker.handlerDone(ref);
          this.claimer.slotFreed();
          if (this.tracker.isAbandoned(ref)) {
            span?.end("abandoned", undefined);
            return;
          }
          this.batcher.add(settlement, (outcome) => {
            this.tracker.settled(ref);
            span?.end(outcomeEvent(outcome, error) ?? outcome, error);
            this.emitOutcome(outcome, snapshot, error);
            if (this.listenerCount("attempt") > 0) this.emitAttempt(id, record.header, outcome, error, settlement.outcome === "reject" ? undefined : handlerMs);
          });
        } catch (thrown) {
          span?.end("abandoned", undefined);
          this.attemptLost(ref, thrown);
        }
      },
      (thrown: unknown) => {
        span?.end("abandoned", undefined);
        this.attemptLost(ref, thrown);
      },
    );
  }

  /** The `attempt` event, for metrics; a listener that throws is reported like an outcome's. */
  private emitAttempt(id: string, header: DecodedRecord["header"], outcome: string, error: Error | undefined, handlerMs: number | undefined): void {
    const report = attemptReport(id, header, outcome, error, handlerMs);
    if (!report) return;
    try {
      this.emit("attempt", report);
    } catch (thrown) {
      this.report(new JobsError("JOB_STATE", "pool.run", `an 'attempt' listener threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`, { cause: thrown }));
    }
  }

  /**
   * runAttempt turns every throw into a failed attempt, and what follows it should not throw; if
   * either does, the pool must not die of it. The attempt is let go unsettled: its lease expires and
   * another attempt runs the job.
   */
  private attemptLost(ref: AttemptRef, thrown: unknown): void {
    this.tracker.abandon(ref, thrown instanceof Error ? thrown : new Error(String(thrown)));
    this.claimer.slotFreed();
    this.report(new JobsError("JOB_STATE", "pool.run", `job ${ref.id}: attempt ${ref.attempt} could not be settled: ${thrown instanceof Error ? thrown.message : String(thrown)}`, { cause: thrown }));
  }

  /** A listener of the outcome that throws is reported; the attempt is settled already. */
  private emitOutcome(outcome: string, snapshotOf: () => JobSnapshot, error: Error | undefined): void {
    const event = outcomeEvent(outcome, error);
    if (!event || this.listenerCount(event) === 0) return;
    try {
      this.emitEvent(event, snapshotOf(), error);
    } catch (thrown) {
      this.report(new JobsError("JOB_STATE", "pool.run", `a '${event}' listener threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`, { cause: thrown }));
    }
  }

  private emitEvent(event: NonNullable<ReturnType<typeof outcomeEvent>>, snapshot: JobSnapshot, error: Error | undefined): void {
    if (event === "finished") this.emit("finished", snapshot, snapshot.startedAt ? Date.now() - snapshot.startedAt.getTime() : 0);
    else if (event === "cancelled") this.emit("cancelled", snapshot);
    else if (event === "rejected") this.emit("rejected", snapshot, error as JobsError);
    else this.emit(event, snapshot, error!);
  }

  private async giveBack(jobs: readonly ClaimedRecord[]): Promise<void> {
    if (jobs.length === 0) return;
    const refs = jobs.flatMap(({ id, raw }) => {
      try {
        const { header } = decodeRecord(id, raw, "pool.close");
        return [{ id, attempt: header.a ?? 0, type: header.t, started: false }];
      } catch {
        return []; // unreadable: left to the lease reaper, which quarantines it
      }
    });
    await release(this.runner, refs).catch((error: unknown) => this.report(toRedisError("pool.release", error)));
  }

  private async shutdown(): Promise<void> {
    this.namespaceCheck.stop();
    if (this.state === "new") this.state = "closed";
    if (this.state === "closed") return this.disconnect();
    this.state = "closing";
    const claiming = this.claimer.stop();
    // The whole close fits in the grace period: every wait on Redis below takes what is left of it,
    // so a deploy never hangs on a Redis that went away. A step after the handlers used the grace
    // period up still gets a moment, which a reachable Redis needs to take back a job or a result.
    // What is left unsettled is recovered from its expired lease by another pool.
    const deadline = performance.now() + this.config.closeGraceMs;
    const left = () => Math.max(0, deadline - performance.now());
    const bounded = (work: Promise<unknown>) => withDeadline(work, Math.max(left(), LAST_STEP_MS));
    await bounded(this.idle.interrupt().catch((error: unknown) => this.report(toRedisError("pool.close", error))));
    this.idle.end();
    this.blocking.disconnect();
    await bounded(claiming);
    await bounded(this.giveBack(this.held.drain()));
    await bounded(Promise.all([this.reaper.stop(), this.sweeper.stop(), this.scheduler.stop(), this.deferralSweep.stop()]));
    const finishedInTime = await this.tracker.waitForRunning(left());
    if (!finishedInTime) {
      const unfinished = this.tracker.abandonRunning(new ClosedError("pool.close", `pool ${this.id}`));
      await bounded(release(this.runner, unfinished.map((ref) => ({ ...ref, started: true }))).catch((error: unknown) => this.report(toRedisError("pool.release", error))));
    }
    await bounded(this.batcher.drain());
    await this.tracker.waitForSettled(Math.max(left(), LAST_STEP_MS));
    // What has not landed by now (Redis away) is left to lease expiry: another pool recovers it.
    this.batcher.stop();
    await bounded(this.heartbeat.stop());
    await bounded(unregisterPool(this.redis, this.deps.keys, this.id).catch(() => undefined));
    this.state = "closed";
    await this.disconnect(Math.max(left(), LAST_STEP_MS));
  }

  private async disconnect(quitMs = LAST_STEP_MS): Promise<void> {
    this.blocking.disconnect();
    const quit = this.redis.quit().then(() => true, () => false);
    if (!(await withDeadline(quit, quitMs))) this.redis.disconnect();
  }

  private report(error: JobsError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else this.stderr.error(error);
  }

  private tellNamespaceMismatch(notice: NamespaceMismatch): void {
    if (this.state !== "running") return;
    if (this.listenerCount("namespaceMismatch") > 0) this.emit("namespaceMismatch", notice);
    else this.stderr.notice(notice.message);
  }
}

/** The least a step of close() that needs Redis is given, once the grace period is used up. */
const LAST_STEP_MS = 250;

/**
 * The attempt's snapshot, made on the first call. Returned as an anonymous closure: under tsx (the
 * benchmark, the tests) a closure bound to a name costs a defineProperty each time it is made.
 */
function snapshotOnce(id: string, record: DecodedRecord, payload: ParsedPayload): () => JobSnapshot {
  let made: JobSnapshot | undefined;
  return () => (made ??= toSnapshot(id, record, "value" in payload ? payload.value : record.payloadJson));
}

/** Resolves with the work's result, or with undefined once `ms` have passed. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
