import { describe, expect, it } from "vitest";
import { createJobs, type Jobs } from "typed-jobs";
import { waitUntil } from "../support/redis-server.js";
import { drainAndAudit } from "./support/audit.js";
import { ChildPool } from "./support/child-pool.js";
import { useFaultHarness } from "./support/harness.js";
import { faultTypes, type FaultJobs } from "./support/contract.js";

// Redis killed with SIGKILL and restarted on the same data dir (appendonly yes, appendfsync always)
// while a producer schedules and two pool processes run: every job whose schedule call returned
// survives and runs; the pools reconnect by themselves.

const h = useFaultHarness({ persistent: true });
const { children, open } = h;

/** Schedules jobs with known ids one after another, single and bulk, noting which calls returned. */
class Producer {
  readonly returned = new Set<string>();
  readonly uncertain = new Set<string>();
  failures = 0;
  private stopped = false;
  private n = 0;
  readonly done: Promise<void>;

  constructor(private readonly jobs: Jobs<FaultJobs>) {
    this.done = this.run();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const bulk = this.n % 5 === 4;
      const ids = bulk ? Array.from({ length: 10 }, (_, k) => `b${this.n}-${k}`) : [`s${this.n}`];
      this.n++;
      try {
        if (bulk) {
          const made = await this.jobs.scheduleBulk("work", ids.map((_, k) => ({ n: k, ms: 2 })));
          for (const job of made) this.returned.add(job.id);
        } else {
          await this.jobs.schedule("work", { n: this.n, ms: 2 }, { id: ids[0]! });
          this.returned.add(ids[0]!);
        }
      } catch {
        this.failures++;
        for (const id of ids) this.uncertain.add(id);
      }
    }
  }
}

describe("Redis killed with SIGKILL and restarted on its AOF", () => {
  it("keeps every job whose schedule returned, and the running pools carry on without a restart", async () => {
    const namespace = "redis-kill";
    const jobs = createJobs<FaultJobs>(faultTypes, { redis: h.server.url, namespace });
    open.push(jobs);
    const start = (tag: string) => ChildPool.start({ redisUrl: h.server.url, namespace, tag, concurrency: 10, lease: "1s" });
    children.push(...(await Promise.all([start("a"), start("b")])));
    const pids = children.map((c) => c.pid);

    const producer = new Producer(jobs);
    await waitUntil(() => producer.returned.size >= 300, 60_000, "producer stalled before the kill");
    await h.server.kill();
    // Down for longer than a lease: a schedule call gives up only after its reconnect attempts.
    await waitUntil(() => producer.failures >= 1, 30_000, "no schedule failed while Redis was down");
    await h.server.restart();
    const before = producer.returned.size;
    await waitUntil(() => producer.returned.size >= before + 300, 60_000, "producer did not resume after the restart");
    await producer.stop();

    const audit = await drainAndAudit(h.redis, namespace, 90_000);
    // Every record is whole and terminal: finished, in the finished set and nowhere else.
    expect(audit.counts).toMatchObject({ failed: 0, cancelled: 0, rejected: 0 });
    expect(audit.counts.finished).toBe(audit.records);
    // Every schedule that returned survived the kill and ran.
    for (const id of producer.returned) {
      expect(audit.headers.get(id)?.s, `job ${id}`).toBe("finished");
      expect(audit.executions.get(id) ?? 0, `executions of ${id}`).toBeGreaterThanOrEqual(1);
    }
    // A call that failed wrote its jobs whole or not at all (a bulk is one script).
    for (const id of producer.uncertain) {
      if (audit.headers.has(id)) expect(audit.headers.get(id)!.s).toBe("finished");
    }
    // Only a job whose lease ran out while Redis was away may have run twice.
    for (const [id, n] of audit.executions) {
      expect(n, `executions of ${id}`).toBeLessThanOrEqual(1 + (audit.headers.get(id)?.rc ?? 0));
    }
    // The same pool processes did all of it: they reconnected by themselves.
    expect(children.map((c) => c.alive)).toEqual([true, true]);
    expect(children.map((c) => c.pid)).toEqual(pids);
  });
});
