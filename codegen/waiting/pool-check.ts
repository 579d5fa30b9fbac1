import type { PoolInfo } from "typed-jobs";
import type { Build } from "./build-contract.js";

/** A live pool that could not run a job once `migrate` stamps it with the newest identity. */
export interface BlockingPool {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** The contract's types it runs without knowing their newest identity. */
  readonly types: readonly string[];
  /** False for a pool that publishes no identities at all: a build from before pools published them. */
  readonly publishesIdentities: boolean;
}

/** The live pools lacking the newest identity of a type of the build they run. */
export function blockingPools(pools: readonly PoolInfo[], build: Build): BlockingPool[] {
  return pools.flatMap((pool) => {
    const lacking = pool.types.filter((type) => {
      const built = build.types.get(type);
      return built !== undefined && !(pool.identities[type] ?? []).includes(built.identity);
    });
    return lacking.length === 0 ? [] : [{ id: pool.id, host: pool.host, pid: pool.pid, types: lacking, publishesIdentities: Object.keys(pool.identities).length > 0 }];
  });
}
