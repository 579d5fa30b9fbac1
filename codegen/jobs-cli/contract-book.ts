import { checkAgainstContract, maskPayload, newestContract, type Operations, type RegisteredContract } from "typed-jobs";

/** What the CLI can tell of a payload against the newest contract of its type. */
export interface ContractVerdict {
  /** The newest schema hash a runtime registered for the type; null when none did. */
  readonly newestSchemaHash: string | null;
  /** Whether the payload passes that schema; null when no schema is registered for the type. */
  readonly passes: boolean | null;
}

interface JobLike {
  readonly type: string;
  readonly schemaHash?: string | undefined;
  readonly payload: unknown;
}

/**
 * The contracts runtimes published to the namespace, read once per command: every payload the CLI
 * prints goes through `shownPayload`, so masking with the type's registered schema lives in one place.
 */
export class ContractBook {
  constructor(readonly contracts: readonly RegisteredContract[]) {}

  static async read(ops: Operations): Promise<ContractBook> {
    return new ContractBook(await ops.contracts());
  }

  isNewest(contract: RegisteredContract): boolean {
    return newestContract(this.contracts, contract.type) === contract;
  }

  /**
   * The payload as the CLI may print it: masked by the schema the job was scheduled under and by
   * the newest of its type, so a field marked sensitive in either never shows.
   */
  shownPayload(job: JobLike): unknown {
    const own = this.contracts.find((c) => c.type === job.type && c.schemaHash === job.schemaHash);
    const newest = newestContract(this.contracts, job.type);
    const masked = maskPayload(own?.schema, job.payload);
    return newest && newest !== own ? maskPayload(newest.schema, masked) : masked;
  }

  verdict(job: JobLike): ContractVerdict {
    const verdict = checkAgainstContract(this.contracts, job);
    return { newestSchemaHash: verdict?.schemaHash ?? null, passes: verdict?.passes ?? null };
  }
}
