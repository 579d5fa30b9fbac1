/**
 * The pipeline, read → check → emit, with no file written: the CLI, `--check`, `--watch` and the
 * tests all call this, so they can never disagree about what the module should be.
 */
import { checkContract } from "./check.js";
import { emitContext } from "./emit-context.js";
import { emitModule } from "./emit-module.js";
import type { ContractModel, Diagnostic } from "./model.js";
import { readContract } from "./read.js";

export type GenerateResult = { readonly ok: true; readonly text: string; readonly jobCount: number } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Checks a model and emits its module; the stage tests use to skip reading a file. */
export function generateFromModel(model: ContractModel): GenerateResult {
  const diagnostics = checkContract(model);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, text: emitModule(emitContext(model)), jobCount: model.jobs.length };
}

/** Reads the contract at `schemaPath` and generates the module meant for `outPath`. */
export async function generate(schemaPath: string, outPath: string, cwd = process.cwd()): Promise<GenerateResult> {
  const read = await readContract(schemaPath, outPath, cwd);
  if (!read.model) return { ok: false, diagnostics: read.diagnostics };
  return generateFromModel(read.model);
}
