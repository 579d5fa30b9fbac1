/**
 * The compatibility check of a contract against its lock. Per job type, the newest version is
 * compared with every earlier version that may still have jobs waiting (safe for waiting jobs: each
 * payload they may hold passes the newest schema) and with the version before it (safe for a rolling
 * deploy: a payload the newest producers write passes the previous pools' schema).
 */
import { closedSchema } from "typed-jobs";
import type { JsonValue } from "../model.js";
import { differences } from "./contain.js";
import { findCounterexample } from "./counterexample.js";
import type { ContractLock, LockVersion } from "./lock-file.js";
import { RULES, type ChangeClass, type Guarantee, type RuleId } from "./rules.js";

export interface Finding {
  readonly rule: RuleId;
  readonly guarantee: Guarantee;
  /** The version compared with the newest. */
  readonly against: number;
  readonly pointer: string;
  readonly detail: string;
  readonly undecidable: boolean;
  /** A payload the `against` version's validator accepts and the newest refuses (for rolling: the other way round). */
  readonly counterexample?: JsonValue;
}

export interface TypeVerdict {
  readonly type: string;
  readonly version: number;
  readonly class: ChangeClass;
  /** The type's entry in the schema file; undefined for a type the contract no longer declares. */
  readonly line: number | undefined;
  readonly findings: readonly Finding[];
  /** The earlier versions whose waiting jobs a migration brings to this one. */
  readonly migratedFrom?: readonly number[];
}

/** Where each type is declared, by name. */
export type DeclaredAt = ReadonlyMap<string, number>;

/**
 * `migrated`: per type declared with versions(...), the lock versions its migrations cover; their
 * waiting jobs are migrated, not compared.
 */
export function checkCompatibility(lock: ContractLock, declared: DeclaredAt, migrated: ReadonlyMap<string, ReadonlySet<number>> = new Map()): TypeVerdict[] {
  return Object.entries(lock.types).map(([type, versions]) => {
    const newest = versions[versions.length - 1]!;
    const line = declared.get(type);
    if (line === undefined) return removedType(type, versions);
    const findings: Finding[] = [];
    for (const earlier of versions.slice(0, -1)) {
      if (earlier.drained || migrated.get(type)?.has(earlier.version)) continue;
      findings.push(...compare(writtenBy(earlier), newest.schema, "waiting", earlier.version));
    }
    const previous = versions[versions.length - 2];
    if (previous) findings.push(...compare(closedSchema(newest.schema as object) as JsonValue, previous.schema, "rolling", previous.version));
    const migratedFrom = [...(migrated.get(type) ?? [])].sort((a, b) => a - b);
    return { type, version: newest.version, class: classOf(findings), line, findings, ...(migratedFrom.length > 0 ? { migratedFrom } : {}) };
  });
}

/** What jobs of a version may hold: its schema closed, unless some were written before writers were closed. */
function writtenBy(version: LockVersion): JsonValue {
  return version.legacyHashes && version.legacyHashes.length > 0 ? version.schema : (closedSchema(version.schema as object) as JsonValue);
}

function compare(from: JsonValue, to: JsonValue, guarantee: Guarantee, against: number): Finding[] {
  return differences(from, to).map((d) => {
    const counterexample = findCounterexample(d, from, to);
    return { rule: d.rule, guarantee, against, pointer: d.pointer, detail: d.detail, undecidable: "undecidable" in RULES[d.rule], ...(counterexample === undefined ? {} : { counterexample }) };
  });
}

function classOf(findings: readonly Finding[]): ChangeClass {
  if (findings.some((f) => f.guarantee === "waiting")) return "breaking";
  return findings.length > 0 ? "safe-for-waiting-jobs" : "safe-for-rolling-deploy";
}

function removedType(type: string, versions: readonly LockVersion[]): TypeVerdict {
  const waiting = versions.filter((v) => !v.drained);
  const findings: Finding[] = waiting.map((v) => ({ rule: "type-removed", guarantee: "waiting", against: v.version, pointer: "", detail: "no pool of this contract can run its waiting jobs", undecidable: false }));
  return { type, version: versions[versions.length - 1]!.version, class: classOf(findings), line: undefined, findings };
}
