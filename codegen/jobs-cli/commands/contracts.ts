import type { Command } from "commander";
import { connected, examples } from "../command-kit.js";
import { ContractBook } from "../contract-book.js";
import { shownDate } from "../output.js";

/** `typed-jobs contracts --json` (docs/cli.md). */
export interface ContractsJson {
  readonly contracts: readonly { readonly type: string; readonly schemaHash: string; readonly firstSeen: string; readonly newest: boolean; readonly schema: object }[];
}

export function registerContracts(program: Command): void {
  program
    .command("contracts")
    .description("The payload schemas runtimes published to the namespace, oldest first per type; the newest of a type is its contract")
    .option("--type <type>", "only this job type")
    .option("--json", "one JSON document, schemas included (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs contracts", "typed-jobs contracts --type chargeInvoice --json | jq '.contracts[-1].schema'"))
    .action(
      connected<{ type?: string }, []>(async ({ out, ops }, options) => {
        const book = await ContractBook.read(ops);
        const shown = book.contracts.filter((c) => options.type === undefined || c.type === options.type);
        const doc: ContractsJson = { contracts: shown.map((c) => ({ type: c.type, schemaHash: c.schemaHash, firstSeen: c.firstSeen.toISOString(), newest: book.isNewest(c), schema: c.schema })) };
        if (out.json) return out.document(doc);
        out.table(
          ["type", "schema hash", "first seen", "newest"],
          doc.contracts.map((c) => [c.type, c.schemaHash, shownDate(new Date(c.firstSeen)), c.newest ? "yes" : ""]),
        );
      }),
    );
}
