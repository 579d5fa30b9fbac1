import { Command } from "ioredis";

/**
 * One FCALL whose arguments start with a fixed part (the script's function name, its keys and job types),
 * given already as protocol text. ioredis encodes each argument of each command anew, one string
 * concatenation per argument; a script's keys are most of its arguments and the same on every call,
 * so they are encoded once per layout instead (ScriptRunner). Kept because it measurably speeds up
 * bulk schedules (bench/RESULTS.md).
 */
export class ScriptCommand extends Command {
  constructor(args: (string | number)[], private readonly head: string, private readonly headCount: number) {
    // The arguments are set after construction: Command copies them with Array.prototype.flat and
    // converts each number, per call, and a bulk schedule or a settle of a batch has thousands. They
    // are already flat, and toWritable converts numbers as it writes them. (ioredis reads `args`
    // later only to find a Cluster command's keys, which are strings.)
    super("fcall", [], { replyEncoding: "utf8" });
    this.args = args;
  }

  // Joined once, not appended to: a settle or a bulk schedule has thousands of arguments, and each
  // `+=` left a rope node to be flattened again when the socket wrote it.
  override toWritable(): string {
    const args = this.args as (string | number)[];
    const parts: string[] = [`*${args.length + 1}\r\n`, this.head];
    for (let i = this.headCount; i < args.length; i++) parts.push(encodeArg(args[i]!));
    return parts.join("");
  }

  /** The protocol text of the command name and these arguments, as toWritable writes them. */
  static encodeHead(args: readonly (string | number)[]): string {
    return "$5\r\nfcall\r\n" + args.map(encodeArg).join("");
  }
}

// Small counts, type indexes and flags are most of a settle's arguments: encoded once.
const SMALL_INTS = Array.from({ length: 1024 }, (_, n) => `$${String(n).length}\r\n${n}\r\n`);
const EMPTY = "$0\r\n\r\n";

function encodeArg(value: string | number): string {
  if (typeof value === "number") {
    if (value >= 0 && value < SMALL_INTS.length && Number.isInteger(value)) return SMALL_INTS[value]!;
    const text = String(value);
    return `$${text.length}\r\n${text}\r\n`;
  }
  if (value === "") return EMPTY;
  return `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
}
