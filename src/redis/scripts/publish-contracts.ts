import type { ScriptRunner } from "../script-runner.js";

/** One schema as the registry files it: its field `<type>\n<schema hash>` and the schema's JSON text. */
export interface ContractEntry {
  readonly field: string;
  readonly schemaJson: string;
}

/**
 * publishContracts.lua: writes each schema with lastPublished = Redis's clock, keeping the firstSeen
 * of a hash published before. Returns Redis's clock, ms.
 */
export async function publishContractEntries(runner: ScriptRunner, entries: readonly ContractEntry[]): Promise<number> {
  const args = entries.flatMap((e) => [e.field, e.schemaJson]);
  return Number(await runner.run("publishContracts", "publishContracts", [], args));
}
