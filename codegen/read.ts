/**
 * jobs.schema.ts → model. ts-morph gives what only the source has (entry names in order, their lines,
 * JSDoc); loading the module gives the values: the schemas TypeBox builds at run time and the options.
 */
import { existsSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { Node, Project, ts, type Expression, type ObjectLiteralExpression, type SourceFile } from "ts-morph";
import { payloadVersions } from "typed-jobs";
import { loadContractModule } from "./load-module.js";
import { notEsmHint } from "./module-kind.js";
import type { ContractModel, Diagnostic, JobDefaults, JobModel } from "./model.js";

/** The model, or the diagnostics that stopped reading it. */
export type ReadResult = { readonly model: ContractModel; readonly diagnostics: readonly [] } | { readonly model: undefined; readonly diagnostics: readonly Diagnostic[] };

/** One entry as written in the source, before its values are known. */
interface SourceEntry {
  readonly name: string;
  readonly line: number;
  readonly doc: string | undefined;
}

/** Reads the contract at `schemaPath` for a module to be written at `outPath`. */
export async function readContract(schemaPath: string, outPath: string, cwd = process.cwd()): Promise<ReadResult> {
  const abs = resolve(cwd, schemaPath);
  const file = displayPath(abs, cwd);
  const fail = (line: number | undefined, message: string): ReadResult => ({ model: undefined, diagnostics: [{ file, line, message }] });
  if (!existsSync(abs)) return fail(undefined, "schema file not found");
  // Only syntax is needed from the compiler: no lib files, no imports resolved (parsing lib.d.ts costs seconds).
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true, compilerOptions: { noEmit: true, noLib: true, noResolve: true, types: [] } });
  const sourceFile = project.addSourceFileAtPath(abs);
  const syntax = syntaxErrors(project, sourceFile, file);
  if (syntax.length > 0) return { model: undefined, diagnostics: syntax };
  const entries = readEntries(sourceFile);
  if (!Array.isArray(entries)) return fail(entries.line, entries.message);
  // Checked before loading: loaded as CommonJS, the module fails in ways that blame the schema.
  const notEsm = notEsmHint(abs);
  if (notEsm) return fail(undefined, notEsm);
  const loaded = await loadContractModule(abs);
  if (!loaded.ok) return fail(loaded.line, loaded.message);
  const jobs: JobModel[] = [];
  for (const entry of entries) {
    const value = (loaded.defaultExport as Record<string, unknown> | undefined)?.[entry.name];
    if (typeof value !== "object" || value === null) return fail(entry.line, `job ${JSON.stringify(entry.name)} is not an object with a payload schema at run time`);
    jobs.push(toJob(entry, value as Record<string, unknown>));
  }
  const sourceName = relative(dirname(resolve(cwd, outPath)), abs).split(sep).join("/");
  return { model: { file, sourceName, jobs }, diagnostics: [] };
}

function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel.startsWith("..") ? abs : rel.split(sep).join("/");
}

// Option values come from the loaded module, never from the source text: what defineJobs returned is
// what the generated JobType must hold, whether an option is written as a literal, a constant, a
// spread or a computed key.
function toJob(entry: SourceEntry, value: Record<string, unknown>): JobModel {
  const defaults: Record<string, unknown> = {};
  for (const key of ["retries", "priority", "backoff", "timeout"] as const) {
    if (value[key] !== undefined) defaults[key] = value[key];
  }
  const description = value.description;
  const doc = entry.doc ?? (typeof description === "string" && description.trim() !== "" ? description.trim() : undefined);
  // A payload declared with versions(...) is its newest schema; the chain's object itself is not JSON.
  const chain = payloadVersions(value.payload);
  if (chain) return { name: entry.name, line: entry.line, doc, description, schema: { ...(value.payload as object) }, earlierSchemas: chain.schemas.slice(0, -1), defaults: defaults as JobDefaults };
  return { name: entry.name, line: entry.line, doc, description, schema: value.payload, defaults: defaults as JobDefaults };
}

function syntaxErrors(project: Project, sourceFile: SourceFile, file: string): Diagnostic[] {
  return project
    .getProgram()
    .getSyntacticDiagnostics(sourceFile)
    .map((d) => ({ file, line: d.getLineNumber(), message: `syntax error: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n")}` }));
}

/** The entries of `export default defineJobs({...})`, or where and why the file is not shaped so. */
function readEntries(sourceFile: SourceFile): SourceEntry[] | { line: number; message: string } {
  const assignment = sourceFile.getExportAssignment((a) => !a.isExportEquals());
  if (!assignment) return { line: 1, message: "no default export; expected `export default defineJobs({ ... })`" };
  const call = unwrap(assignment.getExpression());
  const callee = Node.isCallExpression(call) ? call.getExpression().getText() : undefined;
  if (!Node.isCallExpression(call) || !(callee === "defineJobs" || callee?.endsWith(".defineJobs"))) {
    return { line: assignment.getStartLineNumber(), message: "the default export is not a defineJobs({ ... }) call" };
  }
  const [arg] = call.getArguments();
  const object = arg ? unwrap(arg as Expression) : undefined;
  if (!object || !Node.isObjectLiteralExpression(object)) return { line: call.getStartLineNumber(), message: "defineJobs takes an object literal of job types" };
  return entriesOf(object);
}

function entriesOf(object: ObjectLiteralExpression): SourceEntry[] | { line: number; message: string } {
  const entries: SourceEntry[] = [];
  for (const property of object.getProperties()) {
    const line = property.getStartLineNumber();
    if (!Node.isPropertyAssignment(property)) return { line, message: "write each job type out as `name: { payload, ... }` (no spreads, shorthands or methods)" };
    const nameNode = property.getNameNode();
    if (Node.isComputedPropertyName(nameNode)) return { line, message: "job names must be written literally, not computed" };
    const name = Node.isStringLiteral(nameNode) || Node.isNumericLiteral(nameNode) ? nameNode.getLiteralText() : nameNode.getText();
    entries.push({ name, line, doc: jsDocOf(property) });
  }
  return entries;
}

function unwrap(node: Expression): Expression {
  let current: Expression = node;
  while (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isSatisfiesExpression(current)) current = current.getExpression();
  return current;
}

/** The text of the last `/** ... *\/` comment before the entry, without its markers. */
function jsDocOf(node: Node): string | undefined {
  const docs = node.getLeadingCommentRanges().filter((range) => range.getText().startsWith("/**"));
  const last = docs[docs.length - 1];
  if (!last) return undefined;
  const lines = last
    .getText()
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, "").trimEnd());
  const text = lines.join("\n").trim();
  return text === "" ? undefined : text;
}
