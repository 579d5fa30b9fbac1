/**
 * Leaves out the definitions of an included fragment that a script never uses. Redis runs a
 * script's whole text on every call, so each helper function an include defines is a closure made
 * on every call, used or not: about a microsecond and a half of Redis time per schedule call for the
 * helpers only other scripts need.
 */

/** A top-level piece of an include: a `local` definition with the comment lines above it, or a comment alone. */
interface Unit {
  readonly lines: string[];
  /** The names it defines; none for a comment that stands alone (always kept). */
  readonly defines: string[];
}

const DEFINITION = /^local\s+(?:function\s+([A-Za-z_]\w*)|([A-Za-z_][\w\s,]*?)\s*=)/;
const BEGIN = /^-- begin include (\S+)$/;
const END = /^-- end include (\S+)$/;

/**
 * Splits an include's lines into units. A definition runs until the next top-level `local`; the
 * comment lines directly above a definition belong to it; a comment followed by a blank line stands
 * alone. Top-level statements other than definitions (a loop filling a table) belong to the
 * definition before them.
 */
function splitUnits(lines: readonly string[]): Unit[] {
  const units: Unit[] = [];
  let comment: string[] = [];
  let current: Unit | undefined;
  for (const line of lines) {
    const match = DEFINITION.exec(line);
    if (match) {
      current = { lines: [...comment, line], defines: match[1] ? [match[1]] : match[2]!.split(",").map((name) => name.trim()) };
      units.push(current);
      comment = [];
    } else if (line.startsWith("--")) {
      comment.push(line);
    } else if (line.trim() === "" && comment.length > 0) {
      units.push({ lines: [...comment, line], defines: [] });
      comment = [];
    } else if (current) {
      current.lines.push(...comment, line);
      comment = [];
    } else {
      units.push({ lines: [...comment, line], defines: [] });
      comment = [];
    }
  }
  if (comment.length > 0) units.push({ lines: comment, defines: [] });
  return units;
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w.])${name}(?!\\w)`).test(text);
}

/**
 * Given a script with its includes expanded between `-- begin include` / `-- end include` markers,
 * returns it with only the include definitions the script needs, directly or through another kept
 * definition. A name is needed when it appears as a word anywhere in the kept text (a mention in a
 * comment keeps it too: harmless).
 */
export function shakeIncludes(expanded: string): string {
  const lines = expanded.split("\n");
  // Lines outside any include are the script's own; include regions become their units.
  const pieces: (string | Unit)[] = [];
  let region: string[] | undefined;
  let depth = 0;
  for (const line of lines) {
    if (BEGIN.test(line)) {
      if (depth++ === 0) {
        pieces.push(line);
        region = [];
        continue;
      }
    } else if (END.test(line) && --depth === 0) {
      pieces.push(...splitUnits(region!), line);
      region = undefined;
      continue;
    }
    if (region) region.push(line);
    else pieces.push(line);
  }
  const units = pieces.filter((p): p is Unit => typeof p !== "string");
  const kept = new Set(units.filter((u) => u.defines.length === 0));
  let roots = [...pieces.filter((p): p is string => typeof p === "string"), ...[...kept].flatMap((u) => u.lines)].join("\n");
  for (let changed = true; changed; ) {
    changed = false;
    for (const unit of units) {
      if (kept.has(unit) || !unit.defines.some((name) => mentions(roots, name))) continue;
      kept.add(unit);
      roots += `\n${unit.lines.join("\n")}`;
      changed = true;
    }
  }
  return pieces.flatMap((p) => (typeof p === "string" ? [p] : kept.has(p) ? p.lines : [])).join("\n");
}
