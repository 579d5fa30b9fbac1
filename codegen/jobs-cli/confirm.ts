import { createInterface } from "node:readline/promises";
import { CliError, ExitCode } from "./cli-error.js";

/**
 * Asks on the terminal before a bulk action; without a terminal to ask on, refuses: a script must
 * say --yes.
 */
export async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY) throw new CliError("refusing a bulk action without --yes: stdin is not a terminal to confirm on", ExitCode.failed);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("not confirmed; nothing was changed", ExitCode.failed);
  } finally {
    rl.close();
  }
}
