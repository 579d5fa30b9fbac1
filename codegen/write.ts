/**
 * Writes the generated module atomically (a temp file beside it, then a rename), so a failed or
 * interrupted run never leaves a half-written module, and compares bytes for `--check`.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Writes `text` to `path` in one rename; returns false (and writes nothing) when it is already there. */
export function writeGenerated(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
  return true;
}

/** Why the file at `path` is not `text` byte for byte (missing, or the first line that differs); undefined when fresh. */
export function staleness(path: string, text: string): string | undefined {
  if (!existsSync(path)) return "it does not exist";
  const current = readFileSync(path, "utf8");
  if (current === text) return undefined;
  const have = current.split("\n");
  const want = text.split("\n");
  const index = want.findIndex((line, i) => have[i] !== line);
  const at = index < 0 ? want.length : index;
  return `it differs from the generator's output from line ${at + 1}:\n  have: ${show(have[at])}\n  want: ${show(want[at])}`;
}

function show(line: string | undefined): string {
  return line === undefined ? "(end of file)" : JSON.stringify(line.length > 120 ? `${line.slice(0, 117)}...` : line);
}
