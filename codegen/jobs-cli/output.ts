import Table from "cli-table3";
import picocolors from "picocolors";
import type { JobStatus } from "typed-jobs";

type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Where a command's result goes: one JSON document with --json; otherwise a table on a terminal,
 * tab-separated lines when piped. Colour only on a terminal and never under NO_COLOR.
 */
export class Output {
  readonly tty: boolean;
  readonly colors: Colors;

  constructor(readonly json: boolean, stream: NodeJS.WriteStream = process.stdout) {
    this.tty = stream.isTTY === true;
    const noColor = (process.env.NO_COLOR ?? "") !== "";
    this.colors = picocolors.createColors(this.tty && !noColor);
  }

  /** The command's one JSON document: stable keys, dates as ISO-8601 strings. */
  document(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  line(text = ""): void {
    process.stdout.write(`${text}\n`);
  }

  table(head: readonly string[], rows: readonly (readonly string[])[]): void {
    if (!this.tty) {
      for (const row of [head, ...rows]) this.line(row.join("\t"));
      return;
    }
    const table = new Table({ head: head.map((h) => this.colors.bold(h)), style: { head: [], border: [], compact: true } });
    table.push(...rows.map((row) => [...row]));
    this.line(table.toString());
  }

  status(status: JobStatus | string): string {
    const c = this.colors;
    switch (status) {
      case "finished":
        return c.green(status);
      case "failed":
      case "rejected":
        return c.red(status);
      case "executing":
        return c.cyan(status);
      case "cancelled":
        return c.yellow(status);
      default:
        return status;
    }
  }

  /** A yes/no/unknown verdict, coloured. */
  verdict(passes: boolean | null): string {
    if (passes === null) return this.colors.dim("unknown");
    return passes ? this.colors.green("yes") : this.colors.red("no");
  }
}

/** A date for a table: ISO-8601 without milliseconds, or "-" when unset. */
export function shownDate(date: Date | null | undefined): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : "-";
}

/** A short human duration for ages and latencies. */
export function shownMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  if (m < 120) return `${Math.round(m)} min`;
  const h = m / 60;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
}

/** Text cut to `max` characters for a table cell; --json and piped output keep it whole. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
