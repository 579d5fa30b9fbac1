/**
 * The contract as data in the generated module: the name → payload map type, the sorted names, the
 * embedded JSON Schemas, their hashes, and the job types handed to the runtime. One line per job each.
 */
import type { EmitContext } from "./emit-context.js";
import { propertyKey, tsLiteral } from "./ts-literal.js";

export function emitPayloadMap(ctx: EmitContext): string {
  return ctx.jobs.map((job) => `${propertyKey(job.name)}: ${job.typeName}Payload;`).join("\n");
}

export function emitJobNames(ctx: EmitContext): string {
  return ctx.jobs.map((job) => `${JSON.stringify(job.name)},`).join("\n");
}

export function emitJobSchemas(ctx: EmitContext): string {
  return ctx.jobs.map((job) => `${propertyKey(job.name)}: ${tsLiteral(job.schema)},`).join("\n");
}

export function emitSchemaHashes(ctx: EmitContext): string {
  return ctx.jobs.map((job) => `${propertyKey(job.name)}: ${JSON.stringify(job.hash)},`).join("\n");
}

export function emitRuntimeTypes(ctx: EmitContext): string {
  return ctx.jobs.map((job) => `${propertyKey(job.name)}: ${job.name}Type,`).join("\n");
}
