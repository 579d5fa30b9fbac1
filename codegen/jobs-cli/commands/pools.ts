import type { Command } from "commander";
import type { PoolInfo } from "typed-jobs";
import { connected, examples } from "../command-kit.js";
import { poolJson, type PoolJson } from "../job-json.js";
import { shownDate, shownMs } from "../output.js";

/** `typed-jobs pools --json` (docs/cli.md). */
export interface PoolsJson {
  readonly pools: readonly PoolJson[];
}

/** Per type, the newest identity the pool knows and how many it knows: `charge 15886a7f… (+3)`. */
function identitiesNote(identities: PoolInfo["identities"]): string {
  return Object.entries(identities).map(([type, list]) => (list.length === 0 ? `${type} -` : `${type} ${list[0]!.slice(0, 8)}…${list.length > 1 ? ` (+${list.length - 1})` : ""}`)).join(", ");
}

export function registerPools(program: Command): void {
  program
    .command("pools")
    .description("The live pools: id, host, pid, job types, concurrency, running jobs, last heartbeat, contract identities known")
    .option("--json", "one JSON document (docs/cli.md)")
    .addHelpText("after", examples("typed-jobs pools", "typed-jobs pools --json"))
    .action(
      connected<object, []>(async ({ out, ops }) => {
        const pools = await ops.pools();
        const doc: PoolsJson = { pools: pools.map(poolJson) };
        if (out.json) return out.document(doc);
        const now = Date.now();
        out.table(
          ["id", "host", "pid", "types", "concurrency", "running", "started", "heartbeat", "identities"],
          pools.map((p) => [p.id, p.host, String(p.pid), p.types.join(", "), String(p.concurrency), String(p.running), shownDate(p.startedAt), `${shownMs(now - p.lastHeartbeat.getTime())} ago`, identitiesNote(p.identities)]),
        );
      }),
    );
}
