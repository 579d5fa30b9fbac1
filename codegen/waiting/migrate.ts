/**
 * `jobs-gen migrate`: rewrites every waiting job of an earlier version to the newest, its payload
 * through the migration steps and its identity to the newest's, each a compare-and-set against the
 * record read. Refused while a live pool lacks the newest identity of a type it runs: it could not
 * run a rewritten job. Executing jobs are left (they migrate when they run), as are jobs the new
 * build would reject and jobs of identities it does not know.
 */
import type { Operations, PayloadRewrite } from "typed-jobs";
import { withOperations } from "../jobs-cli/connect.js";
import { loadBuild, type Build } from "./build-contract.js";
import { WaitingExit, type Io, type WaitingOptions } from "./options.js";
import { blockingPools, type BlockingPool } from "./pool-check.js";
import { detailLines, table, versionCell } from "./render.js";
import { runWaiting } from "./run-waiting.js";
import { scanVerdicts, type JudgedJob } from "./scan-verdicts.js";
import { Tally, type TypeTally } from "./tally.js";

export interface MigrateOptions extends WaitingOptions {
  /** Read and report what would be rewritten; write nothing. */
  readonly dryRun: boolean;
}

/** One type in `jobs-gen migrate --json`: the scan's tally and what was done. */
export interface MigrateTypeJson extends TypeTally {
  /** Waiting jobs given the newest identity (and payload); with --dry-run, those that would be. */
  readonly rewritten: number;
  /** Jobs that changed between the read and the rewrite (claimed, cancelled, rescheduled): left as they are. */
  readonly skipped: number;
}

/** `jobs-gen migrate --json` (docs/contract-evolution.md). */
export interface MigrateJson {
  /** Not refused, and no job is left that the new build would reject. */
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly schema: string;
  readonly namespace: string;
  /** The live pools that refuse the rewrite; empty when it may run. */
  readonly blockingPools: readonly BlockingPool[];
  /** Absent when refused before reading any job. */
  readonly scanned?: { readonly records: number; readonly jobs: number };
  readonly types: readonly MigrateTypeJson[];
}

/** Runs migrate and returns its exit code: 0 done, 1 refused or jobs left that would be rejected, 2 usage or Redis unreachable. */
export function runMigrate(options: MigrateOptions, io: Io): Promise<number> {
  return runWaiting("migrate", io, async () => {
    const loaded = await loadBuild(options.schema, options.lock);
    if ("problem" in loaded) return { problem: loaded.problem };
    const doc = await withOperations(options, (ops) => migrateWith(ops, loaded.build, options), (ops) => ops.pausedTypes());
    if (options.json) io.out(JSON.stringify(doc, null, 2));
    else for (const line of migrateText(doc)) (doc.blockingPools.length > 0 && !doc.dryRun ? io.err : io.out)(line);
    return { code: doc.ok ? WaitingExit.ok : WaitingExit.rejected };
  });
}

async function migrateWith(ops: Operations, build: Build, options: MigrateOptions): Promise<MigrateJson> {
  const blocking = blockingPools(await ops.pools(), build);
  const base = { dryRun: options.dryRun, schema: build.schemaFile, namespace: options.namespace, blockingPools: blocking };
  if (blocking.length > 0 && !options.dryRun) return { ...base, ok: false, types: [] };
  const tally = new Tally(build, options.examples);
  const done = new Map<string, { rewritten: number; skipped: number }>();
  const count = (type: string, field: "rewritten" | "skipped") => {
    const entry = done.get(type) ?? { rewritten: 0, skipped: 0 };
    entry[field]++;
    done.set(type, entry);
  };
  const scanned = await scanVerdicts(ops, build, tally, options.batch, async (judged) => {
    const rewrites = judged.flatMap((j) => rewriteOf(build, j));
    if (options.dryRun) return rewrites.forEach((r) => count(r.type, "rewritten"));
    const outcomes = await ops.rewritePayloads(rewrites);
    outcomes.forEach((outcome, i) => count(rewrites[i]!.type, outcome));
  });
  const types = tally.result().map((t) => ({ ...t, rewritten: done.get(t.type)?.rewritten ?? 0, skipped: done.get(t.type)?.skipped ?? 0 }));
  return { ...base, ok: blocking.length === 0 && types.every((t) => t.reject === 0), scanned, types };
}

/** A waiting job the new build runs but that is not stamped with its newest identity; none for any other. */
function rewriteOf(build: Build, { job, verdict }: JudgedJob): (PayloadRewrite & { readonly type: string })[] {
  if (job.status !== "queued" || (verdict.kind !== "pass" && verdict.kind !== "migrate") || !verdict.restamp) return [];
  const identity = build.types.get(job.type)!.identity;
  // A payload that passes as stored keeps its text; a migrated one is the steps' result.
  const payloadJson = verdict.kind === "migrate" ? JSON.stringify(verdict.value) : undefined;
  return [{ id: job.id, revision: job.revision, schemaHash: identity, type: job.type, ...(payloadJson === undefined ? {} : { payloadJson }) }];
}

function migrateText(doc: MigrateJson): string[] {
  const lines: string[] = [];
  if (doc.blockingPools.length > 0) {
    lines.push(`jobs-gen migrate: ${doc.dryRun ? "would be refused" : "refused"}: live pools lack the newest identity of a type they run, and could not run a job rewritten to it. Deploy the new build's pools first (or stop these), then migrate:`);
    for (const p of doc.blockingPools) lines.push(`  pool ${p.id} (${p.host}, pid ${p.pid}): ${p.types.join(", ")}${p.publishesIdentities ? "" : " (it publishes no identities: a build from before they were published)"}`);
    if (!doc.dryRun) return lines;
    lines.push("");
  }
  const jobs = doc.scanned?.jobs ?? 0;
  lines.push(`${jobs} job${jobs === 1 ? "" : "s"} that can still run in namespace ${JSON.stringify(doc.namespace)}, against ${doc.schema}${doc.dryRun ? " (dry run: nothing written)" : ""}:`);
  lines.push(
    ...table(
      ["type", "version", "jobs", doc.dryRun ? "would rewrite" : "rewritten", "skipped", "executing", "reject", "unknown"],
      doc.types.map((t) => [t.type, versionCell(t), String(t.jobs), String(t.rewritten), String(t.skipped), String(t.executing), String(t.reject), String(t.unknown)]),
    ),
  );
  lines.push(...detailLines(doc.types, "Left as they are, would be rejected:"));
  const rewritten = doc.types.reduce((n, t) => n + t.rewritten, 0);
  const rejected = doc.types.reduce((n, t) => n + t.reject, 0);
  lines.push("", `jobs-gen migrate: ${rewritten} job${rewritten === 1 ? "" : "s"} ${doc.dryRun ? "would be " : ""}rewritten to the newest version${rejected > 0 ? `; ${rejected} left that would be rejected` : ""}`);
  return lines;
}
