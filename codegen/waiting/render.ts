/** The text of both reports: a table per type, then the rejection groups and unknown identities. */
import type { TypeTally } from "./tally.js";

/** Columns padded to their widest cell, two spaces apart. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}

export function versionCell(t: TypeTally): string {
  return t.version === null ? "(not in contract)" : `v${t.version}`;
}

export function writtenWith(t: TypeTally): string {
  return Object.entries(t.byVersion).map(([v, n]) => `${v}: ${n}`).join(", ") || "-";
}

/** The rejection groups and unknown identities of every type, as indented lines. */
export function detailLines(tallies: readonly TypeTally[], rejectedTitle: string): string[] {
  const lines: string[] = [];
  const groups = tallies.flatMap((t) => t.rejections.map((g) => ({ type: t.type, ...g })));
  if (groups.length > 0) {
    lines.push("", rejectedTitle);
    for (const g of groups) lines.push(`  ${g.type} ${g.from} at ${g.pointer || "/"} [${g.keyword}]: ${g.count} job${g.count === 1 ? "" : "s"}, ${g.message}`, `    e.g. ${g.examples.join(", ")}`);
  }
  const unknown = tallies.flatMap((t) => t.unknownIdentities.map((u) => ({ type: t.type, inContract: t.inContract, ...u })));
  if (unknown.length > 0) {
    lines.push("", "Unknown to this build (a newer or another build wrote them, or the contract no longer declares the type):");
    for (const u of unknown) lines.push(`  ${u.type} ${u.inContract ? `identity ${u.identity ?? "(none)"}` : "(type not in the contract)"}: ${u.count} job${u.count === 1 ? "" : "s"}, e.g. ${u.examples.join(", ")}`);
  }
  return lines;
}
