/**
 * Loads the sections of `templates/*.ts` and fills them in. Templates are valid TypeScript: tokens
 * are reserved identifiers (`__JOB_NAME__`) and slots are comment lines (`/* @jobs:name *\/`), so the
 * text of the generated module lives in files a type checker reads, not in strings in codegen/.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SLOT = /^(\s*)\/\* @jobs:([a-z-]+) \*\/$/;
const DOC_SLOT = /^(\s*)\* @jobs:doc$/;
const cache = new Map<string, string>();

/** dist/templates/ in the typed-jobs-cli package (its build copies them), or templates/ beside codegen/ in the repo. */
function templatesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "templates"), join(here, "..", "templates")];
  const found = candidates.find((dir) => existsSync(join(dir, "module.ts")));
  if (!found) throw new Error(`jobs-gen: templates/ not found (looked in ${candidates.join(", ")})`);
  return found;
}

/** The text between `// @jobs:template <name>` and the next `// @jobs:end` of templates/<file>.ts. */
export function templateSection(file: string, name: string): string {
  const key = `${file}#${name}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const text = readFileSync(join(templatesDir(), `${file}.ts`), "utf8").replaceAll("\r\n", "\n");
  const start = text.indexOf(`// @jobs:template ${name}\n`);
  if (start < 0) throw new Error(`jobs-gen: templates/${file}.ts has no section ${name}`);
  const bodyStart = start + `// @jobs:template ${name}\n`.length;
  const end = text.indexOf("// @jobs:end", bodyStart);
  const section = text.slice(bodyStart, end < 0 ? undefined : end).replace(/\n$/, "");
  cache.set(key, section);
  return section;
}

/** What to put into a section: tokens replaced everywhere, slot lines replaced by text, the doc lines. */
export interface Fill {
  readonly tokens?: Readonly<Record<string, string>>;
  readonly slots?: Readonly<Record<string, string>>;
  readonly doc?: string | undefined;
}

/** A filled section. A slot line takes the indentation of the comment it replaces; an empty slot drops the line. */
export function fillTemplate(section: string, fill: Fill): string {
  const out: string[] = [];
  for (const line of section.split("\n")) {
    const slot = SLOT.exec(line);
    const docSlot = DOC_SLOT.exec(line);
    if (slot) {
      const value = fill.slots?.[slot[2]!];
      if (value === undefined) throw new Error(`jobs-gen: no value for template slot ${slot[2]}`);
      if (value !== "") out.push(...indent(value, slot[1]!));
    } else if (docSlot) {
      if (fill.doc) out.push(`${docSlot[1]}*`, ...docLines(fill.doc).map((text) => `${docSlot[1]}*${text ? ` ${text}` : ""}`));
    } else {
      out.push(replaceTokens(line, fill.tokens ?? {}));
    }
  }
  return out.join("\n");
}

/** Tokens are replaced in the template's own lines only, never inside inserted text (a schema, a doc). */
function replaceTokens(line: string, tokens: Readonly<Record<string, string>>): string {
  let text = line;
  for (const [token, value] of Object.entries(tokens)) text = text.replaceAll(token, value);
  return text;
}

function indent(text: string, prefix: string): string[] {
  return text.split("\n").map((line) => (line === "" ? "" : prefix + line));
}

/** A JSDoc body cannot contain `*\/`; everything else is kept as written. */
function docLines(doc: string): string[] {
  return doc.replaceAll("*/", "*\\/").split("\n");
}
