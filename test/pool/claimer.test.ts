import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { ClaimAhead } from "../../src/pool/claim-ahead.js";
import { Claimer, type ClaimerPool } from "../../src/pool/claimer.js";
import type { IdleWait, WaitOutcome } from "../../src/pool/idle-wait.js";
import { poolConfig } from "../../src/pool/pool-config.js";
import { useRedis } from "../support/setup.js";
import { useRedisClient } from "../support/redis-state.js";
import { waitUntil } from "../support/redis-server.js";
import { scope, seedQueued, type Scope } from "../redis/seed.js";

// A pool's claim loop and what a pop left pending by an earlier wait brings while the loop does not
// wait (IdleWait's aside, Claimer.popped). The claims run on Redis; the waits are the test's, so it
// decides what each brings and when.

const { server } = useRedis();
const redis = useRedisClient(server);

/**
 * A loop on `s`'s namespace (type alpha, concurrency 4 unless `tuning` says otherwise, no slots taken)
 * whose waits are `idle`'s; `tuning.ahead` fixes how many jobs it claims ahead (none by default).
 */
function claimerOn(s: Scope, idle: Pick<IdleWait, "wait" | "passOn">, pool: Partial<ClaimerPool> = {}, tuning: { concurrency?: number; batchSize?: number; ahead?: number } = {}): { claimer: Claimer; errors: unknown[] } {
  const errors: unknown[] = [];
  const concurrency = tuning.concurrency ?? 4;
  const ahead = tuning.ahead === undefined ? new ClaimAhead(concurrency, false) : ({ allowance: tuning.ahead } as ClaimAhead);
  const config = poolConfig({ concurrency, idleWait: "5s", ...(tuning.batchSize === undefined ? {} : { batchSize: tuning.batchSize }) });
  const claimer = new Claimer(config, ["alpha"], ["*"], s.runner, idle as IdleWait, ahead, {
    slotsTaken: () => 0,
    startHeld: () => undefined,
    take: () => undefined,
    takeHandedOver: () => undefined,
    giveBack: async () => undefined,
    nextDue: () => undefined,
    report: (error) => errors.push(error),
    ...pool,
  });
  return { claimer, errors };
}

describe("Claimer", () => {
  it("a wake-up brought aside while a claim is on the wire makes the loop claim again once that claim answers, though it found the queues drained", async () => {
    const s = scope(redis());
    const wake = s.key("wake:alpha");
    /** What the loop did, in order: each claim as it is sent (and whether as woken), each wait as it begins. */
    const events: string[] = [];
    const run = s.runner.run.bind(s.runner);
    /** The claims sent after the first wait, their replies held until the test has brought the wake-up aside. */
    const held: (() => void)[] = [];
    let holding = true;
    vi.spyOn(s.runner, "run").mockImplementation(async (...args) => {
      if (args[0] !== "claim") return run(...args);
      const hold = holding && events.includes("wait");
      // The claim's fourth argument: '1' when the loop claims as woken.
      events.push(args[3][3] === "1" ? "claim woken" : "claim");
      const reply = await run(...args);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return reply;
    });
    const waits: ((outcome: WaitOutcome) => void)[] = [];
    const { claimer, errors } = claimerOn(s, {
      wait: () => {
        events.push("wait");
        return new Promise<WaitOutcome>((resolve) => waits.push(resolve));
      },
      passOn: async () => undefined,
    });
    claimer.start();
    // The queues are empty: the claims find them drained and the loop waits.
    await waitUntil(() => waits.length === 1);
    const before = events.length;
    // The wait brings a wake-up: the loop claims, two claims on the wire, their replies held.
    waits[0]!({ kind: "woken", key: wake });
    await waitUntil(() => held.length === 2);
    claimer.popped({ kind: "woken", key: wake });
    holding = false;
    for (const release of held) release();
    // Both found the queues drained, but the wake-up came after they were sent: the loop claims
    // again, as woken (a claim's count depends on the slots it splits), and only then waits.
    await waitUntil(() => waits.length === 2);
    const after = events.slice(before);
    expect(after.slice(0, 3)).toEqual(["claim woken", "claim", "claim woken"]);
    expect(after.slice(3)).toEqual([...after.slice(3, -1).map(() => "claim"), "wait"]);

    const stopped = claimer.stop();
    waits[1]!({ kind: "ended" });
    await stopped;
    expect(errors).toEqual([]);
  });

  it("a job brought aside goes to the pool as one a wait brings; a wake-up brought aside once the loop stops is passed on, for a pool that will claim", async () => {
    const s = scope(redis());
    const waits: ((outcome: WaitOutcome) => void)[] = [];
    const passedOn: string[] = [];
    const handedOver: string[] = [];
    const { claimer, errors } = claimerOn(
      s,
      { wait: () => new Promise<WaitOutcome>((resolve) => waits.push(resolve)), passOn: async (key: string) => void passedOn.push(key) },
      { takeHandedOver: (job) => void handedOver.push(job.id) },
    );
    claimer.start();
    await waitUntil(() => waits.length === 1);
    claimer.popped({ kind: "handoff", job: { id: "j1", raw: '{"t":"alpha","at":1}\n{}' } });
    claimer.popped({ kind: "ended" });
    expect(handedOver).toEqual(["j1"]);

    const stopped = claimer.stop();
    claimer.popped({ kind: "woken", key: s.key("wake:alpha") });
    waits[0]!({ kind: "ended" });
    await stopped;
    expect(passedOn).toEqual([s.key("wake:alpha")]);
    expect(errors).toEqual([]);
  });

  it("claims when claiming ahead by fewer jobs than half a batch larger than its concurrency: the room it waits for is half the claim it can send", async () => {
    const s = scope(redis());
    const ids = Array.from({ length: 10 }, (_, i) => `j${i}`);
    for (const id of ids) await seedQueued(s, "alpha", id);
    const taken: string[] = [];
    const waits: ((outcome: WaitOutcome) => void)[] = [];
    // Concurrency 1 and one job ahead (handlers of a few ms): no more than two slots are ever free,
    // under half of a batch of 4 plus one.
    const { claimer, errors } = claimerOn(
      s,
      { wait: () => new Promise<WaitOutcome>((resolve) => waits.push(resolve)), passOn: async () => undefined },
      { take: (jobs) => void taken.push(...jobs.map((job) => job.id)) },
      { concurrency: 1, batchSize: 4, ahead: 1 },
    );
    claimer.start();
    await waitUntil(() => waits.length === 1);
    expect(taken).toEqual(ids);

    const stopped = claimer.stop();
    waits[0]!({ kind: "ended" });
    await stopped;
    expect(errors).toEqual([]);
  });

  it("whatever its concurrency, batch and allowance ahead, takes every queued job and never holds more than its slots plus the allowance", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 64 }), async (concurrency, batchSize, ahead) => {
        const s = scope(redis());
        const ids = Array.from({ length: 12 }, (_, i) => `j${i}`);
        for (const id of ids) await seedQueued(s, "alpha", id);
        const taken: string[] = [];
        const holding = new Set<string>();
        let mostHeld = 0;
        const waits: ((outcome: WaitOutcome) => void)[] = [];
        // Each job taken finishes on the next turn of the event loop, freeing its slot.
        const { claimer, errors } = claimerOn(
          s,
          { wait: () => new Promise<WaitOutcome>((resolve) => waits.push(resolve)), passOn: async () => undefined },
          {
            slotsTaken: () => holding.size,
            take: (jobs) => {
              for (const { id } of jobs) {
                taken.push(id);
                holding.add(id);
                setImmediate(() => {
                  holding.delete(id);
                  claimer.slotFreed();
                });
              }
              mostHeld = Math.max(mostHeld, holding.size);
            },
          },
          { concurrency, batchSize, ahead },
        );
        claimer.start();
        await waitUntil(() => waits.length === 1, 3_000, () => `concurrency ${concurrency}, batch ${batchSize}, ahead ${ahead}: the loop took ${taken.length} of ${ids.length} and stopped`);
        const stopped = claimer.stop();
        waits[0]!({ kind: "ended" });
        await stopped;
        expect(taken).toEqual(ids);
        expect(mostHeld).toBeLessThanOrEqual(concurrency + ahead);
        expect(errors).toEqual([]);
      }),
      // A loop that stops claiming fails by timing out: the first such case is reported, not shrunk.
      { numRuns: 30, endOnFailure: true },
    );
  });
});
