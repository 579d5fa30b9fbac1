/**
 * Counts verdicts per job type, with the rejections grouped by the version the job was written
 * with, the JSON pointer and the keyword, each with a few example ids: the body of both reports.
 */
import type { Verdict } from "./classify.js";
import type { Build } from "./build-contract.js";

/** A group of rejections: jobs of one version failing at one pointer by one keyword. */
export interface RejectionGroup {
  /** "v1", or "unstamped" for jobs stamped with no identity. */
  readonly from: string;
  readonly pointer: string;
  /** The JSON Schema keyword that failed; "migration" for a step that threw, "record" for an unreadable record. */
  readonly keyword: string;
  readonly count: number;
  /** The first job's message, as the pool will store it. */
  readonly message: string;
  readonly examples: readonly string[];
}

export interface UnknownIdentity {
  /** null for a job of a type the contract does not declare that is stamped with none. */
  readonly identity: string | null;
  readonly count: number;
  readonly examples: readonly string[];
}

/** Per type: every job counted once in pass, migrate, reject or unknown. */
export interface TypeTally {
  readonly type: string;
  readonly inContract: boolean;
  /** The newest version and its identity; null for a type the contract does not declare. */
  readonly version: number | null;
  readonly identity: string | null;
  readonly jobs: number;
  readonly pass: number;
  readonly migrate: number;
  readonly reject: number;
  readonly unknown: number;
  /** Of the jobs, those executing now (the rest wait). */
  readonly executing: number;
  /** Jobs per version they were written with: "v3", "v1", "unstamped", "unknown". */
  readonly byVersion: { readonly [version: string]: number };
  readonly rejections: readonly RejectionGroup[];
  readonly unknownIdentities: readonly UnknownIdentity[];
}

interface MutableTally {
  jobs: number;
  pass: number;
  migrate: number;
  reject: number;
  unknown: number;
  executing: number;
  byVersion: Map<string, number>;
  rejections: Map<string, { from: string; pointer: string; keyword: string; count: number; message: string; examples: string[] }>;
  unknownIdentities: Map<string | null, { count: number; examples: string[] }>;
}

export class Tally {
  private readonly types = new Map<string, MutableTally>();

  constructor(private readonly build: Build, private readonly examples: number) {
    // Every type of the contract is reported, with no jobs too.
    for (const type of build.types.keys()) this.of(type);
  }

  /** Counts one job; a job with several problems is in the group of each. */
  add(id: string, type: string | undefined, executing: boolean, verdict: Verdict): void {
    const t = this.of(type ?? "(unreadable)");
    t.jobs++;
    if (executing) t.executing++;
    t[verdict.kind]++;
    const version = verdict.kind === "unknown" ? "unknown" : versionName(verdict.from);
    t.byVersion.set(version, (t.byVersion.get(version) ?? 0) + 1);
    if (verdict.kind === "unknown") {
      const entry = t.unknownIdentities.get(verdict.identity ?? null) ?? { count: 0, examples: [] };
      entry.count++;
      if (entry.examples.length < this.examples) entry.examples.push(id);
      t.unknownIdentities.set(verdict.identity ?? null, entry);
    }
    if (verdict.kind !== "reject") return;
    const seen = new Set<string>();
    for (const issue of verdict.issues) {
      const keyword = issue.keyword ?? "schema";
      const key = `${version}\u0000${issue.path}\u0000${keyword}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const group = t.rejections.get(key) ?? { from: version, pointer: issue.path, keyword, count: 0, message: issue.message, examples: [] };
      group.count++;
      if (group.examples.length < this.examples) group.examples.push(id);
      t.rejections.set(key, group);
    }
  }

  /** The tallies, by type name. */
  result(): TypeTally[] {
    return [...this.types.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([type, t]) => {
      const built = this.build.types.get(type);
      return {
        type,
        inContract: built !== undefined,
        version: built?.version ?? null,
        identity: built?.identity ?? null,
        jobs: t.jobs,
        pass: t.pass,
        migrate: t.migrate,
        reject: t.reject,
        unknown: t.unknown,
        executing: t.executing,
        byVersion: Object.fromEntries([...t.byVersion].sort(([a], [b]) => (a < b ? -1 : 1))),
        rejections: [...t.rejections.values()].sort((a, b) => b.count - a.count || (a.from + a.pointer + a.keyword < b.from + b.pointer + b.keyword ? -1 : 1)),
        unknownIdentities: [...t.unknownIdentities].map(([identity, e]) => ({ identity, count: e.count, examples: e.examples })).sort((a, b) => b.count - a.count),
      };
    });
  }

  private of(type: string): MutableTally {
    let t = this.types.get(type);
    if (!t) {
      t = { jobs: 0, pass: 0, migrate: 0, reject: 0, unknown: 0, executing: 0, byVersion: new Map(), rejections: new Map(), unknownIdentities: new Map() };
      this.types.set(type, t);
    }
    return t;
  }
}

export function versionName(from: number | undefined): string {
  return from === undefined ? "unstamped" : `v${from}`;
}
