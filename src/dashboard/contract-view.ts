import { checkAgainstContract, newestContract } from "../contract/contract-check.js";
import { maskJobPayload } from "../contract/mask-job-payload.js";
import { maskPayload } from "../contract/mask-payload.js";
import type { JobSnapshot, RegisteredContract } from "../interfaces.js";
import { parsePayloadPath, schemaHasPath, schemaPathIsSensitive } from "../ops/payload-path.js";
import { badRequest } from "./http-kit.js";

export type WhereValue = string | number | boolean | null;
export type WhereCondition = readonly [readonly string[], WhereValue];

/**
 * The contracts runtimes published, read once per request: every payload the dashboard sends goes
 * through `shownPayload`, so masking lives in one place.
 */
export class ContractView {
  constructor(readonly contracts: readonly RegisteredContract[], private readonly showUnregistered: boolean) {}

  newest(type: string): RegisteredContract | undefined {
    return newestContract(this.contracts, type);
  }

  /** Masked by the schema the job was scheduled under and by the newest of its type; withheld with neither. */
  shownPayload(job: JobSnapshot): unknown {
    const own = this.contracts.find((c) => c.type === job.type && c.schemaHash === job.schemaHash);
    const newest = this.newest(job.type);
    const masked = maskJobPayload(job, (own ?? newest)?.schema, { showUnregistered: this.showUnregistered }).payload;
    return newest && own && newest !== own ? maskPayload(newest.schema, masked) : masked;
  }

  verdict(job: JobSnapshot): { schemaHash: string | null; newestSchemaHash: string | null; passes: boolean | null; issues: { path: string; message: string }[] } {
    const verdict = checkAgainstContract(this.contracts, job);
    return {
      schemaHash: job.schemaHash ?? null,
      newestSchemaHash: verdict?.schemaHash ?? null,
      passes: verdict?.passes ?? null,
      issues: (verdict?.issues ?? []).map((i) => ({ path: i.path, message: i.message })),
    };
  }

  /**
   * A payload filter, checked as the CLI checks `--where`: each path in the type's newest schema,
   * and on no field any registered schema of the type marks sensitive (a filter would test a secret).
   */
  whereConditions(type: string, where: Readonly<Record<string, unknown>>): WhereCondition[] {
    const entries = Object.entries(where);
    if (entries.length === 0) return [];
    const schema = this.newest(type)?.schema;
    return entries.map(([path, value]) => {
      if (value !== null && !["string", "number", "boolean"].includes(typeof value)) throw badRequest(`filter ${path}: the value must be a string, number, boolean or null`);
      const segments = parsePayloadPath(path, "dashboard");
      if (schema === undefined) throw badRequest(`filter ${path}: no payload schema is registered for job type ${type}, so the path cannot be checked`);
      if (!schemaHasPath(schema, segments)) throw badRequest(`filter ${path}: the payload schema of job type ${type} has no such path`);
      if (this.contracts.some((c) => c.type === type && schemaPathIsSensitive(c.schema, segments))) throw badRequest(`filter ${path}: a sensitive field cannot be filtered on`);
      return [segments, value as WhereValue] as const;
    });
  }
}
