import type { Command } from "commander";
import { connected, examples } from "../command-kit.js";

/** `typed-jobs pause|resume <type> --json` (docs/cli.md). */
export interface PauseJson {
  readonly type: string;
  readonly paused: boolean;
  /** Every paused type of the namespace afterwards. */
  readonly pausedTypes: readonly string[];
}

export function registerPause(program: Command): void {
  for (const paused of [true, false]) {
    const name = paused ? "pause" : "resume";
    program
      .command(name)
      .description(paused ? "Stop every pool claiming jobs of a type (scheduling goes on; running jobs finish); kept in Redis" : "Let pools claim jobs of a paused type again (idle pools hear of it at once)")
      .argument("<type>", "the job type")
      .option("--json", "one JSON document (docs/cli.md)")
      .addHelpText("after", examples(`typed-jobs ${name} chargeInvoice`, `typed-jobs ${name} chargeInvoice --json`))
      .action(
        connected<object, [string]>(async ({ out, ops }, _options, type) => {
          await (paused ? ops.pause(type) : ops.resume(type));
          const doc: PauseJson = { type, paused, pausedTypes: [...(await ops.pausedTypes())].sort() };
          if (out.json) return out.document(doc);
          out.line(paused ? `paused ${type}: no pool claims its jobs until \`typed-jobs resume ${type}\`` : `resumed ${type}`);
        }),
      );
  }
}
