/**
 * What a pool publishes about itself with every heartbeat, in the namespace's poolinfo hash under
 * its id (extendLease.lua), for `pools()` to list. Times are ms since the epoch.
 */
export interface PublishedPoolInfo {
  readonly host: string;
  readonly pid: number;
  readonly types: readonly string[];
  readonly concurrency: number;
  /** Jobs running in the pool at the heartbeat. */
  readonly running: number;
  readonly startedAt: number;
  /** The pool's lease: a heartbeat older than twice this means the pool is gone. */
  readonly leaseMs: number;
  /**
   * Per job type it runs, the contract identities it can run (its newest and those it migrates);
   * absent from a pool built before pools published them.
   */
  readonly identities?: { readonly [type: string]: readonly string[] };
}

/**
 * An encoder for a pool's description, of which only `running` changes between heartbeats: the rest
 * is encoded once, and each heartbeat appends the count.
 */
export function poolInfoEncoder(fixed: Omit<PublishedPoolInfo, "running">): (running: number) => string {
  const head = `${JSON.stringify(fixed).slice(0, -1)},"running":`;
  return (running) => `${head}${running}}`;
}

/** The published info, or undefined when it cannot be read (another version, a hand edit). */
export function decodePoolInfo(raw: string): PublishedPoolInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<PublishedPoolInfo> | null;
    if (!v || typeof v.host !== "string" || typeof v.pid !== "number" || !Array.isArray(v.types) || !v.types.every((t) => typeof t === "string")) return undefined;
    if (typeof v.concurrency !== "number" || typeof v.running !== "number" || typeof v.startedAt !== "number" || typeof v.leaseMs !== "number") return undefined;
    if (v.identities !== undefined && !isIdentityMap(v.identities)) return undefined;
    return v as PublishedPoolInfo;
  } catch {
    return undefined;
  }
}

function isIdentityMap(value: unknown): value is { readonly [type: string]: readonly string[] } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((list) => Array.isArray(list) && list.every((identity) => typeof identity === "string"));
}
