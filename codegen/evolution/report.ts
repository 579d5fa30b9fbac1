/**
 * The compatibility report as text (compiler style: `file:line: error: ...`, so editors and CI logs
 * link it) or as the JSON document of `jobs-gen --check --format json`.
 */
import type { Finding, TypeVerdict } from "./compatibility.js";
import { RULES } from "./rules.js";

/** A file the check found stale, and why. */
export interface Staleness {
  readonly file: string;
  readonly reason: string;
}

export interface CheckReport {
  /** True when nothing is stale and no type's change is breaking. */
  readonly ok: boolean;
  readonly schema: string;
  readonly stale: readonly Staleness[];
  readonly types: readonly TypeVerdict[];
}

export function checkReport(schema: string, stale: readonly Staleness[], types: readonly TypeVerdict[]): CheckReport {
  return { ok: stale.length === 0 && !types.some((t) => t.class === "breaking"), schema, stale, types };
}

/** The report's lines for stderr; empty when there is nothing to say. */
export function reportText(report: CheckReport): string[] {
  const lines: string[] = [];
  for (const { file, reason } of report.stale) lines.push(`jobs-gen --check: ${file} is stale: ${reason}`);
  if (report.stale.length > 0) lines.push("Run `npx jobs-gen` to regenerate it.");
  for (const verdict of report.types) {
    const where = `${report.schema}${verdict.line === undefined ? "" : `:${verdict.line}`}`;
    for (const finding of verdict.findings) {
      const severity = finding.guarantee === "waiting" ? "error" : "warning";
      lines.push(`${where}: ${severity}: ${verdict.type} v${verdict.version} ${headline(finding)} [${finding.rule}] at ${finding.pointer || "/"}: ${finding.detail}`);
      lines.push(`  ${RULES[finding.rule].summary}${finding.undecidable ? " (not provable, so treated as breaking)" : ""}`);
      if (finding.counterexample !== undefined) lines.push(`  counterexample: ${JSON.stringify(finding.counterexample)}`);
    }
  }
  return lines;
}

function headline(finding: Finding): string {
  if (finding.rule === "type-removed") return `is gone while jobs of v${finding.against} may wait`;
  return finding.guarantee === "waiting"
    ? `breaks jobs of v${finding.against} still waiting`
    : `is not safe for a rolling deploy beside v${finding.against} (deploy the pools first)`;
}
