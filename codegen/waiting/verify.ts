/**
 * `jobs-gen verify`: reads every job that can still run and says, per type, how many a pool of the
 * new build will run as they are, migrate, reject, or not recognise. Read only: plain reads (HSCAN,
 * SMEMBERS, TIME), no script, no write.
 */
import { withOperations } from "../jobs-cli/connect.js";
import { loadBuild } from "./build-contract.js";
import { WaitingExit, type Io, type WaitingOptions } from "./options.js";
import { detailLines, table, versionCell, writtenWith } from "./render.js";
import { scanVerdicts } from "./scan-verdicts.js";
import { Tally, type TypeTally } from "./tally.js";
import { runWaiting } from "./run-waiting.js";

/** `jobs-gen verify --json` (docs/contract-evolution.md). */
export interface VerifyJson {
  /** No job would be rejected. */
  readonly ok: boolean;
  readonly schema: string;
  readonly namespace: string;
  /** Records read (ended jobs included) and, of them, jobs that can still run. */
  readonly scanned: { readonly records: number; readonly jobs: number };
  readonly types: readonly TypeTally[];
}

/** Runs verify and returns its exit code: 0 nothing would be rejected, 1 some would, 2 usage or Redis unreachable. */
export function runVerify(options: WaitingOptions, io: Io): Promise<number> {
  return runWaiting("verify", io, async () => {
    const loaded = await loadBuild(options.schema, options.lock);
    if ("problem" in loaded) return { problem: loaded.problem };
    const { build } = loaded;
    const tally = new Tally(build, options.examples);
    const scanned = await withOperations(options, (ops) => scanVerdicts(ops, build, tally, options.batch), (ops) => ops.pausedTypes());
    const types = tally.result();
    const doc: VerifyJson = { ok: types.every((t) => t.reject === 0), schema: build.schemaFile, namespace: options.namespace, scanned, types };
    if (options.json) io.out(JSON.stringify(doc, null, 2));
    else for (const line of verifyText(doc)) io.out(line);
    return { code: doc.ok ? WaitingExit.ok : WaitingExit.rejected };
  });
}

function verifyText(doc: VerifyJson): string[] {
  const rejected = doc.types.reduce((n, t) => n + t.reject, 0);
  return [
    `${doc.scanned.jobs} job${doc.scanned.jobs === 1 ? "" : "s"} that can still run in namespace ${JSON.stringify(doc.namespace)}, checked against ${doc.schema}:`,
    ...table(
      ["type", "version", "jobs", "pass", "migrate", "reject", "unknown", "executing", "written with"],
      doc.types.map((t) => [t.type, versionCell(t), String(t.jobs), String(t.pass), String(t.migrate), String(t.reject), String(t.unknown), String(t.executing), writtenWith(t)]),
    ),
    ...detailLines(doc.types, "Would be rejected:"),
    "",
    rejected === 0 ? "jobs-gen verify: no job would be rejected" : `jobs-gen verify: ${rejected} job${rejected === 1 ? "" : "s"} would be rejected`,
  ];
}
