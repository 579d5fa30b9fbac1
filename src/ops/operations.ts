import { dueStats } from "../redis/scripts/due-stats.js";
import { listQueued } from "../redis/scripts/list-queued.js";
import { MAX_HOLES_READ } from "../store/queries.js";
import { withQueuedSplit } from "./queued-split.js";
import type { BulkOptions, BulkProgress, BulkSelection, CountsByType, JobSnapshot, JobStatus, ListOptions, PoolInfo, RegisteredContract, ScriptLibrary, Stats, ThroughputPoint } from "../interfaces.js";
import { decodeRecord } from "../redis/record.js";
import { listLibraries, loadLibrary, pruneLibraries } from "../redis/function-library.js";
import { withRedis } from "../redis/redis-error.js";
import { toSnapshot } from "../store/job-record.js";
import { runBulk } from "./bulk.js";
import { cancelJob, destroyJob } from "./cancel-destroy.js";
import { promote, retry } from "./job-actions.js";
import type { Operations } from "./operations-api.js";
import type { OpsContext } from "./ops-context.js";
import { pause, pausedTypes, resume } from "./pause.js";
import { readPools } from "./pools.js";
import { rewritePayloads } from "./rewrite-payloads.js";
import type { PayloadRewrite, RewriteOutcome, RunnableBatch, ScanOptions } from "./runnable-jobs.js";
import { scanRunnable } from "./scan-runnable.js";
import { readRecurring } from "./recurring.js";
import { readJob } from "./read-job.js";
import { readContracts } from "./registry.js";
import { readStats } from "./stats.js";
import { MINUTES_KEPT, readThroughput } from "./throughput.js";

/** The operations of one namespace over one connection; `close` runs `onClose` (the owner's choice). */
export class OperationsRuntime implements Operations {
  constructor(private readonly ctx: OpsContext, private readonly onClose: () => Promise<void> = async () => undefined) {}

  pause(type: string): Promise<void> {
    return pause(this.ctx, type);
  }

  resume(type: string): Promise<void> {
    return resume(this.ctx, type);
  }

  pausedTypes(): Promise<string[]> {
    return pausedTypes(this.ctx);
  }

  retry(id: string): Promise<JobSnapshot> {
    return retry(this.ctx, id);
  }

  promote(id: string): Promise<JobSnapshot> {
    return promote(this.ctx, id);
  }

  cancel(id: string): Promise<JobSnapshot> {
    return cancelJob(this.ctx, id);
  }

  destroy(id: string): Promise<void> {
    return destroyJob(this.ctx, id);
  }

  retryAll(selection: BulkSelection, options?: BulkOptions): Promise<BulkProgress> {
    return runBulk(this.ctx, "retry", selection, options);
  }

  cancelAll(selection: BulkSelection, options?: BulkOptions): Promise<BulkProgress> {
    return runBulk(this.ctx, "cancel", selection, options);
  }

  destroyAll(selection: BulkSelection, options?: BulkOptions): Promise<BulkProgress> {
    return runBulk(this.ctx, "destroy", selection, options);
  }

  stats(): Promise<Stats> {
    return readStats(this.ctx);
  }

  throughput(type: string, minutes = MINUTES_KEPT): Promise<ThroughputPoint[]> {
    return readThroughput(this.ctx, type, minutes);
  }

  pools(): Promise<PoolInfo[]> {
    return readPools(this.ctx);
  }

  scriptLibraries(): Promise<ScriptLibrary[]> {
    return withRedis("scriptLibraries", () => listLibraries(this.ctx.redis), this.ctx.redis);
  }

  loadScripts(): Promise<void> {
    return withRedis("loadScripts", () => loadLibrary(this.ctx.redis), this.ctx.redis);
  }

  pruneScriptLibraries(): Promise<string[]> {
    return withRedis("pruneScriptLibraries", () => pruneLibraries(this.ctx.redis), this.ctx.redis);
  }

  contracts(): Promise<RegisteredContract[]> {
    return readContracts(this.ctx);
  }

  recurring(): Promise<JobSnapshot[]> {
    return readRecurring(this.ctx);
  }

  findJob(id: string): Promise<JobSnapshot> {
    return readJob(this.ctx, id, "findJob");
  }

  async listJobs(status: JobStatus, options: ListOptions = {}): Promise<JobSnapshot[]> {
    const { queries } = this.ctx;
    const types = options.type ? [options.type] : await queries.types(this.ctx.knownTypes);
    const offset = options.offset ?? 0;
    const limit = options.limit ?? 100;
    // One type's queued jobs: a script reads only the page. Across types a listing merges the heads.
    const ids = status === "queued" && types.length === 1 ? await listQueued(this.ctx.runner, types[0]!, offset, limit, MAX_HOLES_READ) : await queries.ids(status, types, offset, limit);
    const raws = await queries.readRecords(ids, "listJobs");
    return ids.flatMap((id, i) => (raws[i] ? [toSnapshot(id, decodeRecord(id, raws[i]!, "listJobs"))] : []));
  }

  async counts(): Promise<CountsByType> {
    const { queries, runner } = this.ctx;
    const types = await queries.types(this.ctx.knownTypes);
    const [counts, due] = await Promise.all([queries.counts(types), dueStats(runner, types)]);
    return withQueuedSplit(counts, types, due);
  }

  scanRunnable(options?: ScanOptions): AsyncIterable<RunnableBatch> {
    return scanRunnable(this.ctx, options);
  }

  rewritePayloads(rewrites: readonly PayloadRewrite[]): Promise<RewriteOutcome[]> {
    return rewritePayloads(this.ctx, rewrites);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
