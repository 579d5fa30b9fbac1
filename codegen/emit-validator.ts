/**
 * The ahead-of-time validator of each payload: TypeBox's `Code(schema)` emits the checking source
 * once, here, so nothing is compiled when a job is scheduled or claimed. Its ESM module text is taken
 * apart by section (imports, externals, functions, the exported Check) and put back inside one scope
 * per job; its external variables (format checks, pattern RegExps, const values) are rebuilt as source.
 */
import { Format } from "typebox/format";
import { Code } from "typebox/compile";
import { closedSchema } from "typed-jobs";
import type { EmitContext, EmitJob } from "./emit-context.js";
import type { JsonValue } from "./model.js";
import { fillTemplate, templateSection } from "./templates.js";
import { emitEarlierVersions } from "./emit-versions.js";
import { tsLiteral } from "./ts-literal.js";

/** Helpers the compiled code may call, with the module that exports each (as TypeBox's Code imports them). */
const HELPERS: readonly (readonly [name: string, from: string])[] = [
  ["Format", "typebox/format"],
  ["Guard", "typebox/guard"],
  ["CheckContext", "typebox/schema"],
  ["Hashing", "typebox/system"],
];

interface Compiled {
  /** Statements for the `@jobs:check` slot: externals, then each function, each under `// @ts-ignore`. */
  readonly statements: string;
  readonly helpers: ReadonlySet<string>;
}

const compiledByJob = new WeakMap<EmitJob, { readonly declared: Compiled; readonly closed: Compiled }>();

/** The compiled checks (as declared, for pools; closed, for schedule calls) plus the typed guards, encoders and JobType of one job. */
export function emitValidator(_ctx: EmitContext, job: EmitJob): string {
  const { declared, closed } = compile(job);
  const compiled = fillTemplate(templateSection("compiled", "compiled"), { tokens: { __TYPE_NAME__: job.typeName }, slots: { check: declared.statements } });
  const compiledClosed = fillTemplate(templateSection("compiled", "compiled-closed"), { tokens: { __TYPE_NAME__: job.typeName }, slots: { check: closed.statements } });
  const earlier = [
    ...job.earlier.map((v) => fillTemplate(templateSection("compiled", "compiled"), { tokens: { __TYPE_NAME__: `${job.typeName}V${v.version}` }, slots: { check: compileSchema(v.schema, job.name).statements } })),
    emitEarlierVersions(job),
  ].filter((text) => text !== "").join("\n\n");
  return fillTemplate(templateSection("job", "validator"), {
    tokens: { __JOB_NAME__: job.name, __TYPE_NAME__: job.typeName, __SCHEMA_HASH__: job.hash },
    // The slot follows the closed check with no blank line of its own: an empty one leaves no gap.
    slots: { compiled, "compiled-closed": compiledClosed, "earlier-versions": earlier === "" ? "" : `\n${earlier}`, identities: `identities: ${tsLiteral(job.identities as JsonValue)},`, defaults: emitDefaults(job) },
    doc: job.doc,
  });
}

/** The import lines for the helpers any job's compiled code uses, sorted by module. */
export function emitValidatorImports(ctx: EmitContext): string {
  const used = new Set(ctx.jobs.flatMap((job) => [...compile(job).declared.helpers, ...compile(job).closed.helpers, ...job.earlier.flatMap((v) => [...compileSchema(v.schema, job.name).helpers])]));
  return [...HELPERS]
    .filter(([name]) => used.has(name))
    .sort((a, b) => (a[1] < b[1] ? -1 : 1))
    .map(([name, from]) => `import { ${name} } from "${from}";`)
    .join("\n");
}

/** The contract's defaults as JobType properties, in a fixed order. */
export function emitDefaults(job: EmitJob): string {
  const lines: string[] = [];
  for (const key of ["retries", "priority", "backoff", "timeout"] as const) {
    const value = job.defaults[key];
    if (value !== undefined) lines.push(`${key}: ${tsLiteral(value as JsonValue)},`);
  }
  if (job.earlier.length > 0) lines.push(`version: ${job.version},`, `earlierVersions: ${job.name}EarlierVersions,`);
  return lines.join("\n");
}

function compile(job: EmitJob): { readonly declared: Compiled; readonly closed: Compiled } {
  const cached = compiledByJob.get(job);
  if (cached) return cached;
  const both = { declared: compileSchema(job.schema, job.name), closed: compileSchema(closedSchema(job.schema as object) as JsonValue, job.name) };
  compiledByJob.set(job, both);
  return both;
}

function compileSchema(schema: JsonValue, jobName: string): Compiled {
  const result = Code(schema as Parameters<typeof Code>[0]);
  const statements = codeStatements(result.Code, jobName);
  const variables = result.External.variables;
  if (variables.length > 0) statements.unshift(`const External: readonly unknown[] = [${variables.map((v) => externalSource(v, jobName)).join(", ")}];`);
  const text = statements.join("\n");
  const helpers = new Set(HELPERS.map(([name]) => name).filter((name) => new RegExp(`\\b${name}\\b`).test(text)));
  return { statements: text, helpers };
}

/**
 * The statements of Code()'s module without its imports and its `External`/`SetExternal` plumbing
 * (we declare the externals directly), `export function Check` made local. Every statement is one
 * line under `// @ts-ignore`; a multi-line one would escape the ignore, so it is refused loudly.
 */
function codeStatements(code: string, jobName: string): string[] {
  const out: string[] = [];
  const blocks = code.split("\n\n").slice(1);
  for (const block of blocks) {
    const [ignore, statement, ...rest] = block.split("\n");
    if (ignore !== "// @ts-ignore" || statement === undefined || rest.length > 0) {
      throw new Error(`jobs-gen: unexpected output of TypeBox Code() for job ${jobName}: ${JSON.stringify(block.slice(0, 120))}`);
    }
    if (statement.startsWith("let External") || statement.startsWith("export function SetExternal")) continue;
    out.push("// @ts-ignore", statement.replace(/^export function Check\(/, "function Check("));
  }
  return out;
}

/** Source that rebuilds one external variable of the compiled code. */
function externalSource(value: unknown, jobName: string): string {
  if (value instanceof RegExp) return `new RegExp(${JSON.stringify(value.source)}, ${JSON.stringify(value.flags)})`;
  if (typeof value === "function") {
    const entry = Format.Entries().find(([, check]) => check === value);
    if (!entry) throw new Error(`jobs-gen: job ${jobName} uses a check function that is not a registered TypeBox format`);
    return `Format.Get(${JSON.stringify(entry[0])})`;
  }
  return tsLiteral(value as JsonValue);
}
