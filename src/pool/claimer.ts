import type { JobsError } from "../errors.js";
import { toRedisError } from "../redis/redis-error.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import { claim, type ClaimedRecord } from "../redis/scripts/claim.js";
import { HANDOFF_POPS } from "../redis/scripts/handoff.js";
import type { ClaimAhead } from "./claim-ahead.js";
import type { IdleWait, WaitOutcome } from "./idle-wait.js";
import type { PoolConfig } from "./pool-config.js";

const CLAIMS_IN_FLIGHT = 2;

/** What a claimer needs of its pool: how full it is, and where the jobs it claims go. */
export interface ClaimerPool {
  /** Slots taken: jobs running and jobs held (claimed, not started yet). */
  slotsTaken(): number;
  /** Starts held jobs in the free slots. */
  startHeld(): void;
  /** Holds jobs a claim leased to the pool, and starts what the free slots allow. */
  take(jobs: readonly ClaimedRecord[]): void;
  /** A job a schedule handed to the pool while it waited. */
  takeHandedOver(job: ClaimedRecord): void;
  /** Gives jobs leased to the pool back to their queues unstarted. */
  giveBack(jobs: readonly ClaimedRecord[]): Promise<void>;
  /** When the earliest scheduled job of the pool's types falls due, as a claim saw it (for its scheduler). */
  nextDue(at: number | undefined, now: number): void;
  report(error: JobsError): void;
}

/**
 * A pool's claim loop. It keeps up to CLAIMS_IN_FLIGHT claims on the wire, each for at most batchSize
 * of the free slots (plus the allowance to claim ahead), so Redis already serves the next claim while
 * the pool starts the jobs of the last one. Slots a claim asked for stay reserved until it answers:
 * the pool never holds more jobs than it can run or expects to start within ClaimAhead's window.
 *
 * A claim that finds the queues drained registers the pool idle (with room, so it can take a job
 * handed over) until its wait ends. After a job handed over it waits again while it has room, with
 * no claim between; otherwise its next claim withdraws the registration: one is sent after every
 * wait, with nothing to claim if need be, so the pool is never registered while it has no room.
 * A wait keeps up to HANDOFF_POPS pops pending (no more than the free slots); those left pending when
 * it ends bring what they pop later, aside (`popped`).
 */
export class Claimer {
  /** Slots asked for by the claims on the wire. */
  private reserved = 0;
  /** Claims that failed in a row, for the back-off before the next. */
  private failures = 0;
  /** The last claim failed: no claim is sent until the back-off has passed. */
  private failed = false;
  /** The last wait ended with a wake-up, which the next claim passes on if it finds nothing. */
  private justWoken = false;
  /** A claim registered the pool in idle:<T> and none since withdrew it. */
  private registered = false;
  /**
   * Jobs other pools deferred may wait with an identity this pool knows: claims take those first.
   * True at start; set by the pool's DeferralSweep, cleared by a claim that took them all.
   */
  private deferredWaiting = true;
  /** The last claim found the queues drained: the pool waits for work until then (performance.now()). */
  private idleUntil: number | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private done: Promise<void> = Promise.resolve();
  /** Wakes the loop while it waits for a slot, a claim's reply, or a stop. */
  private nudge: (() => void) | undefined;

  constructor(
    private readonly config: PoolConfig,
    private readonly types: readonly string[],
    /** Per type, the identities the pool knows (knownIdentityList). */
    private readonly known: readonly string[],
    private readonly runner: ScriptRunner,
    private readonly idle: IdleWait,
    private readonly ahead: ClaimAhead,
    private readonly pool: ClaimerPool,
  ) {}

  start(): void {
    this.running = true;
    this.done = this.loop();
  }

  /**
   * Sends no more claims; jobs claimed from now on are given back. Resolves once the loop has ended
   * and the claims on the wire have answered; a wait for work in progress ends when the pool ends it
   * (IdleWait.interrupt or end).
   */
  stop(): Promise<void> {
    this.running = false;
    this.nudge?.();
    return this.done;
  }

  /** What the pool's DeferralSweep saw: whether jobs of an identity it knows wait deferred. */
  deferredKnown(waiting: boolean): void {
    this.deferredWaiting = waiting;
  }

  /** A slot was freed: the loop looks again whether a claim is worth sending. */
  slotFreed(): void {
    this.nudge?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.pool.startHeld();
      if (this.inFlight.size === 0 && this.idleUntil !== undefined) {
        await this.waitForWork(this.idleUntil - performance.now());
        continue;
      }
      if (this.inFlight.size === 0 && this.failed) {
        await sleep(Math.min(100 * 2 ** this.failures++, 2000));
        this.failed = false;
        continue;
      }
      const ahead = this.ahead.allowance;
      const free = this.config.concurrency + ahead - this.pool.slotsTaken() - this.reserved;
      // Claiming ahead, the pool waits for room for half a claim: claims of a batch, two in flight,
      // not one per job as each finishes. Half of the largest claim it can send: with a batch beyond
      // its concurrency, half a batch may be more room than the pool ever has.
      const largestClaim = Math.min(this.config.batchSize, this.config.concurrency) + ahead;
      const worthClaiming = ahead === 0 ? free > 0 : free >= Math.ceil(largestClaim / 2);
      const mustWithdraw = this.registered && this.inFlight.size === 0;
      if ((!worthClaiming && !mustWithdraw) || this.inFlight.size >= CLAIMS_IN_FLIGHT || this.idleUntil !== undefined || this.failed) {
        await new Promise<void>((resolve) => (this.nudge = resolve));
        continue;
      }
      this.send(Math.max(0, Math.min(free, this.config.batchSize + ahead)));
    }
    await Promise.all(this.inFlight);
  }

  /** Sends a claim for `count` jobs (0: only to withdraw the pool's idle registration). */
  private send(count: number): void {
    const idleWaitMs = this.hasRoom() ? this.config.idleWaitMs : 0;
    // A pool just woken looks too: the wake-up may come from another pool that deferred a job.
    const takeDeferred = this.deferredWaiting || this.justWoken;
    this.reserved += count;
    const sent: Promise<void> = claim(this.runner, { types: this.types, count, leaseMs: this.config.leaseMs, poolId: this.config.id, justWoken: this.justWoken, withdraw: this.registered, idleWaitMs, takeDeferred, deferMs: this.config.unknownContractDeadlineMs, known: this.known })
      .then(
        async (result) => {
          this.failures = 0;
          this.pool.nextDue(result.nextDueAt, result.now);
          if (result.drained && idleWaitMs > 0) this.registered = true;
          // Deferred jobs it knows are taken before any other: a claim that found too few took them all.
          if (result.drained && takeDeferred) this.deferredWaiting = false;
          if (!this.running) return this.pool.giveBack(result.jobs);
          this.pool.take(result.jobs);
          // Drained: a claim as each job finishes would find nothing. The pool blocks on its wake
          // lists even while jobs run, so new work reaches it in two round trips, not three.
          // Claims are answered in the order Redis ran them: the last one says how things stand,
          // unless a pop pending from an earlier wait has since brought a wake-up (`popped`).
          this.idleUntil = result.drained && !this.justWoken ? performance.now() + this.config.idleWaitMs : undefined;
        },
        (error: unknown) => {
          if (!this.running) return;
          this.pool.report(toRedisError("pool.claim", error));
          this.failed = true;
        },
      )
      .finally(() => {
        this.reserved -= count;
        this.inFlight.delete(sent);
        this.nudge?.();
      });
    this.inFlight.add(sent);
    this.justWoken = false;
    this.registered = false;
  }

  /** Free slots beyond the jobs running and held: room for a job handed over. */
  private hasRoom(): boolean {
    return this.config.concurrency > this.pool.slotsTaken();
  }

  /**
   * What a pop pending from an earlier wait brought while the loop did not wait (IdleWait's `aside`):
   * a job handed over is taken as one a wait brings; a wake-up makes the loop claim.
   */
  popped(outcome: WaitOutcome): void {
    if (outcome.kind === "handoff") return this.pool.takeHandedOver(outcome.job);
    if (outcome.kind !== "woken") return;
    if (!this.running) {
      this.idle.passOn(outcome.key).catch((error: unknown) => this.pool.report(toRedisError("pool.close", error)));
      return;
    }
    this.justWoken = true;
    this.idleUntil = undefined;
    this.nudge?.();
  }

  /** Blocks until a job is handed over, work arrives, or `waitMs` pass, and acts on what ended the wait. */
  private async waitForWork(waitMs: number): Promise<void> {
    const outcome = await this.waitOutcome(waitMs);
    // Started at once when it can be; otherwise (stopping, or no room) held, and given back with the others.
    if (outcome.kind === "handoff") this.pool.takeHandedOver(outcome.job);
    // A wake-up that reached a stopping pool is meant for a pool that will claim.
    if (outcome.kind === "woken" && !this.running) this.idle.passOn(outcome.key).catch((error: unknown) => this.pool.report(toRedisError("pool.close", error)));
    this.justWoken = outcome.kind === "woken";
    if (outcome.kind !== "handoff" || !this.hasRoom()) this.idleUntil = undefined;
  }

  private async waitOutcome(waitMs: number): Promise<WaitOutcome> {
    if (waitMs <= 0) return { kind: "ended" };
    try {
      return await this.idle.wait(waitMs, Math.min(HANDOFF_POPS, this.config.concurrency - this.pool.slotsTaken()));
    } catch (error) {
      if (this.running) {
        this.pool.report(toRedisError("pool.wait", error));
        await sleep(100);
      }
      return { kind: "ended" };
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
