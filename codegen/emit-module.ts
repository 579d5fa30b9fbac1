/**
 * Assembles the generated module from the emitters, in a fixed order, so the same contract always
 * gives the same bytes: payload types, contract data, per-job validators and schedule functions
 * (jobs sorted by name), the runtime, the pools.
 */
import { emitJobNames, emitJobSchemas, emitPayloadMap, emitRuntimeTypes, emitSchemaHashes } from "./emit-contract.js";
import type { EmitContext } from "./emit-context.js";
import { emitPool } from "./emit-pool.js";
import { emitSchedule } from "./emit-schedule.js";
import { emitPayloadType } from "./emit-types.js";
import { emitValidator, emitValidatorImports } from "./emit-validator.js";
import { emitContractImport, emitEarlierPayloadTypes } from "./emit-versions.js";
import { fillTemplate, templateSection } from "./templates.js";

export function emitModule(ctx: EmitContext): string {
  const perJob = ctx.jobs.map((job) => `${emitValidator(ctx, job)}\n\n${emitSchedule(ctx, job)}`).join("\n\n");
  const text = fillTemplate(templateSection("module", "module"), {
    tokens: { __SOURCE_NAME__: ctx.sourceName },
    slots: {
      "validator-imports": emitValidatorImports(ctx),
      "contract-import": emitContractImport(ctx),
      "payload-types": ctx.jobs.map((job) => [emitPayloadType(ctx, job), emitEarlierPayloadTypes(ctx, job)].filter((text) => text !== "").join("\n\n")).join("\n\n"),
      "payload-map": emitPayloadMap(ctx),
      "job-names": emitJobNames(ctx),
      "job-schemas": emitJobSchemas(ctx),
      "schema-hashes": emitSchemaHashes(ctx),
      jobs: perJob,
      "runtime-types": emitRuntimeTypes(ctx),
      pool: emitPool(ctx),
    },
  });
  return `${text.trimEnd()}\n`;
}
