/**
 * Whether the schema is loaded as an ES module: in a package without `"type": "module"` a `.ts` file
 * is CommonJS, typed-jobs (ESM only) cannot be required from it, and the load fails in ways that
 * name anything but the cause.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";

/** The fix to name when `absPath` is loaded as CommonJS, or undefined when it is an ES module. */
export function notEsmHint(absPath: string): string | undefined {
  const ext = extname(absPath);
  if (ext === ".mts" || ext === ".mjs") return undefined;
  const pkg = nearestPackageJson(dirname(absPath));
  if (pkg && readType(pkg) === "module") return undefined;
  const where = pkg ? `${pkg} has no "type": "module"` : "no package.json is above the schema file";
  return `the schema is loaded as CommonJS (${where}): typed-jobs and the generated module are ES modules; add "type": "module" to your package.json`;
}

function nearestPackageJson(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, "package.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

function readType(pkg: string): unknown {
  try {
    return (JSON.parse(readFileSync(pkg, "utf8")) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}
