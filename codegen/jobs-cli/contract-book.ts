import { checkAgainstContract, maskJobPayload, maskPayload, newestContract, type JobSnapshot, type MaskJobPayloadOptions, type Operations, type RegisteredContract } from "typed-jobs";

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

export type ShowOptions = MaskJobPayloadOptions;

/**
 * The contracts runtimes published to the namespace, read once per command: every payload the CLI
 * prints goes through `shownPayload`, so masking with the type's registered schema lives in one place.
 */
export class ContractBook {
  constructor(
    readonly contracts: readonly RegisteredContract[],
    private readonly options: ShowOptions = {},
  ) {}

  static async read(ops: Operations, options: ShowOptions = {}): Promise<ContractBook> {
    return new ContractBook(await ops.contracts(), options);
  }

  isNewest(contract: RegisteredContract): boolean {
    return newestContract(this.contracts, contract.type) === contract;
  }

  /** The newest schema registered for the type: the one a `--where` path is checked against. */
  newestSchema(type: string): object | undefined {
    return newestContract(this.contracts, type)?.schema;
  }

  /** Every schema registered for the type, oldest first. */
  schemasOf(type: string): object[] {
    return this.contracts.filter((c) => c.type === type).map((c) => c.schema);
  }

  /**
   * The payload as the CLI may print it: masked by the schema the job was scheduled under and by
   * the newest of its type, so a field marked sensitive in either never shows.
   */
  shownPayload(job: JobSnapshot): unknown {
    const own = this.contracts.find((c) => c.type === job.type && c.schemaHash === job.schemaHash);
    const newest = newestContract(this.contracts, job.type);
    const masked = maskJobPayload(job, (own ?? newest)?.schema, this.options).payload;
    return newest && own && newest !== own ? maskPayload(newest.schema, masked) : masked;
  }

  verdict(job: JobLike): ContractVerdict {
    const verdict = checkAgainstContract(this.contracts, job);
    return { newestSchemaHash: verdict?.schemaHash ?? null, passes: verdict?.passes ?? null };
  }
}
