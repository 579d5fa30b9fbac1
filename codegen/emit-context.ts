/**
 * What every emitter receives: the model made ready to print (jobs sorted by name, schemas as plain
 * JSON, hashes and type names computed once), passed explicitly so each emitter is a pure function.
 */
import type { ContractModel, JobDefaults, JsonValue } from "./model.js";
import { pascalCase } from "./naming.js";
import { schemaHash, toJson } from "./schema-json.js";

/** One job, ready to print. */
export interface EmitJob {
  readonly name: string;
  /** PascalCase of the name: `WelcomeEmail`. */
  readonly typeName: string;
  readonly doc: string | undefined;
  readonly schema: JsonValue;
  readonly hash: string;
  readonly defaults: JobDefaults;
}

/** The whole module's input. */
export interface EmitContext {
  /** The schema file as named in the header, relative to the generated module. */
  readonly sourceName: string;
  readonly jobs: readonly EmitJob[];
}

/** Sorts by name (code-unit order, independent of locale) so the output is the same on every machine. */
export function emitContext(model: ContractModel): EmitContext {
  const jobs = model.jobs
    .map((job): EmitJob => {
      const schema = toJson(job.schema);
      return { name: job.name, typeName: pascalCase(job.name), doc: job.doc, schema, hash: schemaHash(schema), defaults: job.defaults };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { sourceName: model.sourceName, jobs };
}
