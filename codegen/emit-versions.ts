/**
 * The earlier payload versions of a type declared with `versions(...)`: a payload type and a compiled
 * check per version, and the list the runtime migrates waiting jobs by. The steps themselves stay in
 * the schema file, which the generated module imports only when some type has earlier versions.
 */
import type { EmitContext, EmitJob } from "./emit-context.js";
import { emitPayloadType } from "./emit-types.js";
import { tsLiteral } from "./ts-literal.js";

/** The import of the contract (for its steps), when any type has earlier versions; else empty. */
export function emitContractImport(ctx: EmitContext): string {
  if (!ctx.jobs.some((job) => job.earlier.length > 0)) return "";
  const source = ctx.sourceName.replace(/\.[cm]?ts$/, ".js");
  return `import contract from "${source.startsWith(".") ? source : `./${source}`}";\nimport { payloadVersions, type EarlierPayloadVersion } from "typed-jobs";`;
}

/** `export type XxxV1Payload = ...` for each earlier version. */
export function emitEarlierPayloadTypes(ctx: EmitContext, job: EmitJob): string {
  return job.earlier
    .map((v) => emitPayloadType(ctx, { ...job, typeName: `${job.typeName}V${v.version}`, schema: v.schema, doc: `Version ${v.version} in the contract's lock, kept for the jobs written under it: a pool migrates them to ${job.typeName}Payload before the handler runs.` }))
    .join("\n\n");
}

/** The list of earlier versions handed to the runtime (after their compiled checks). */
export function emitEarlierVersions(job: EmitJob): string {
  if (job.earlier.length === 0) return "";
  const entries = job.earlier.map(
    (v, i) =>
      `{ version: ${v.version}, identities: ${tsLiteral(v.identities)}, check: compiled${job.typeName}V${v.version}, errors: (value) => payloadIssues(${tsLiteral(v.schema)} as TSchema, value), step: ${job.name}Steps[${i}]! },`,
  );
  return [
    `/** The steps between ${job.name}'s payload versions, as its contract declares them with versions(...). */`,
    `const ${job.name}Steps = payloadVersions(contract.${job.name}.payload)!.steps;`,
    "",
    `/** The earlier versions of the ${job.name} payload, oldest first: a waiting job of one is validated against it, then migrated. */`,
    `const ${job.name}EarlierVersions: readonly EarlierPayloadVersion[] = [`,
    ...entries.map((line) => `  ${line}`),
    "];",
  ].join("\n");
}
