import type { Operations, RunnableJob } from "typed-jobs";
import type { Build } from "./build-contract.js";
import { classify, unreadableVerdict, type Verdict } from "./classify.js";
import type { Tally } from "./tally.js";

/** One job of a batch with what the new build's pool will do with it. */
export interface JudgedJob {
  readonly job: RunnableJob;
  readonly verdict: Verdict;
}

/**
 * Reads every job that can still run, batch by batch, judges each against the build and counts it;
 * `onBatch` sees each batch's judged jobs (migrate rewrites them). Returns the records read.
 */
export async function scanVerdicts(ops: Operations, build: Build, tally: Tally, batch: number | undefined, onBatch?: (judged: readonly JudgedJob[]) => Promise<void>): Promise<{ records: number; jobs: number }> {
  let records = 0;
  let jobs = 0;
  for await (const read of ops.scanRunnable(batch === undefined ? {} : { count: batch })) {
    records += read.read;
    const judged = read.jobs.map((job) => ({ job, verdict: classify(build, job) }));
    for (const { job, verdict } of judged) tally.add(job.id, job.type, job.status === "executing", verdict);
    for (const job of read.unreadable) tally.add(job.id, job.type, false, unreadableVerdict(job));
    jobs += judged.length + read.unreadable.length;
    if (onBatch) await onBatch(judged);
  }
  return { records, jobs };
}
