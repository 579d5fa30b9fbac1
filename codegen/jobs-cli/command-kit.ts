import { InvalidArgumentError, type Command } from "commander";
import { JOB_STATUSES, type JobStatus, type Operations } from "typed-jobs";
import { withOperations } from "./connect.js";
import { Output } from "./output.js";
import type { Target } from "./redis-target.js";

/** What a command's body gets: the connection target, its output, and the namespace's operations. */
export interface CommandContext {
  readonly target: Target;
  readonly out: Output;
  readonly ops: Operations;
}

interface GlobalFlags {
  readonly redis: string;
  readonly namespace: string;
  readonly prefix: string;
  readonly verbose?: boolean;
  readonly showUnregistered?: boolean;
  readonly json?: boolean;
}

export function targetOf(command: Command): Target {
  const flags = command.optsWithGlobals<GlobalFlags>();
  return { redis: flags.redis, namespace: flags.namespace, prefix: flags.prefix, verbose: flags.verbose === true, showUnregistered: flags.showUnregistered === true };
}

/**
 * A commander action that checks its input (`check`, before connecting: a usage error needs no
 * Redis), connects, runs `body` with the command's own options, and closes; the process's exit code
 * is the one `body` returns (0 when it returns nothing). `probe`: the first read, which shows Redis
 * answers (withOperations' default unless given).
 */
export function connected<O, A extends unknown[]>(body: (ctx: CommandContext, options: O, ...args: A) => Promise<number | void>, check?: (options: O, ...args: A) => void, probe?: (ops: Operations) => Promise<unknown>) {
  return async (...raw: unknown[]): Promise<void> => {
    const command = raw.at(-1) as Command;
    const options = command.opts<O & { json?: boolean }>();
    const args = raw.slice(0, -2) as A;
    check?.(options, ...args);
    const target = targetOf(command);
    // With globals: a subcommand's --json (`scripts load --json`) is parsed as its parent's.
    const out = new Output(command.optsWithGlobals<{ json?: boolean }>().json === true);
    const code = await withOperations(target, (ops) => body({ target, out, ops }, options, ...args), probe);
    if (typeof code === "number" && code !== 0) process.exitCode = code;
  };
}

/** commander parser for a status argument or option. */
export function parseStatus(text: string): JobStatus {
  if (!(JOB_STATUSES as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${JOB_STATUSES.join(", ")}`);
  return text as JobStatus;
}

/** commander parser for --limit and --offset. */
export function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError("expected a whole number");
  return Number(text);
}

/** Help text of a command: its examples, then what each exit code means for it. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}
