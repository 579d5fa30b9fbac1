import { Command } from "ioredis";

/**
 * One EVALSHA whose arguments start with a fixed part (the script's SHA, its keys and job types),
 * given already as protocol text. ioredis encodes each argument of each command anew, one string
 * concatenation per argument; a script's keys are most of its arguments and the same on every call,
 * so they are encoded once per layout instead (ScriptRunner).
 */
export class ScriptCommand extends Command {
  constructor(args: (string | number)[], private readonly head: string, private readonly headCount: number) {
    super("evalsha", args, { replyEncoding: "utf8" });
  }

  override toWritable(): string {
    let text = `*${this.args.length + 1}\r\n${this.head}`;
    for (let i = this.headCount; i < this.args.length; i++) {
      const arg = this.args[i] as string;
      text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
    }
    return text;
  }

  /** The protocol text of the command name and these arguments, as toWritable writes them. */
  static encodeHead(args: readonly (string | number)[]): string {
    let text = "$7\r\nevalsha\r\n";
    for (const arg of args) text += `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`;
    return text;
  }
}
