import { assertExactlyOnce, countRun, until } from "../stats.js";
import { startChildren } from "../child-pool.js";
import { fill, perSecond, type Metric, type RunContext, type Scenario } from "./scenario.js";

const TIMEOUT_MS = 180_000;

/** N waiting jobs, then one pool at the given concurrency; timed from start until all completed. */
function processWith(concurrency: number): Scenario {
  return {
    name: `process-c${concurrency}`,
    async run({ lib, redis, sizes, queue }): Promise<Metric[]> {
      const producer = await lib.producer(redis.url, queue);
      const ids = await fill((ps) => producer.addBulk(ps), sizes.process);
      await producer.close();
      const runs = new Map<string, number>();
      let done = 0;
      const worker = await lib.worker(redis.url, queue, concurrency, { onRun: (id) => countRun(runs, id), onDone: () => done++ });
      const t0 = performance.now();
      await worker.start();
      await until(() => done >= ids.length, TIMEOUT_MS, `${lib.name}: ${ids.length} jobs processed`);
      const ms = performance.now() - t0;
      await worker.close();
      assertExactlyOnce(lib.name, `process c=${concurrency}`, ids, runs);
      return [{ row: `process, 1 pool, c=${concurrency}`, unit: "jobs/s", better: "higher", value: perSecond(ids.length, ms) }];
    },
  };
}

export const processC1 = processWith(1);
export const processC10 = processWith(10);
export const processC50 = processWith(50);

const CHILD_CONCURRENCY = 50;

/** The same N jobs shared by two pools, each in its own child process, c=50 each. */
export const processTwoProcs: Scenario = {
  name: "process-2proc",
  async run({ lib, redis, sizes, queue }: RunContext): Promise<Metric[]> {
    const producer = await lib.producer(redis.url, queue);
    const ids = await fill((ps) => producer.addBulk(ps), sizes.process);
    await producer.close();
    const children = await startChildren(2, { lib: lib.name, url: redis.url, queue, concurrency: CHILD_CONCURRENCY, progress: true });
    const t0 = performance.now();
    children.go();
    await until(() => children.done() >= ids.length, TIMEOUT_MS, `${lib.name}: ${ids.length} jobs processed by 2 processes`);
    const ms = performance.now() - t0;
    const runs = await children.stop();
    assertExactlyOnce(lib.name, "process 2 processes", ids, runs);
    return [{ row: `process, 2 pool processes, c=${CHILD_CONCURRENCY} each`, unit: "jobs/s", better: "higher", value: perSecond(ids.length, ms) }];
  },
};
