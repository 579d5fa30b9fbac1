import { createHash } from "node:crypto";
import { Compile } from "typebox/compile";
import type { ValidationIssue } from "../errors.js";
import type { RegisteredContract } from "../interfaces.js";

/** Whether a job's payload passes a schema, and which. */
export interface ContractVerdict {
  /** The hash of the schema checked against: the newest registered of the job's type, or the one given. */
  readonly schemaHash: string | undefined;
  readonly passes: boolean;
  /** Why it fails; empty when it passes. */
  readonly issues: readonly ValidationIssue[];
  /** The job was scheduled under the schema checked against (its stamped hash is that schema's). */
  readonly sameSchema: boolean;
}

/** A schema given directly, with its hash if known. */
export interface GivenSchema {
  readonly schema: object;
  readonly schemaHash?: string;
}

interface Validator {
  check(value: unknown): boolean;
  errors(value: unknown): ValidationIssue[];
}

// Registries hold few schemas; the bound only guards a tool that reads many namespaces for long.
const MAX_CACHED = 512;
const validators = new Map<string, Validator>();

/**
 * The newest schema registered for `type`: the one a runtime published most recently when it started
 * (latest lastPublished, then latest firstSeen), which tools treat as its current contract. During a
 * rolling deploy that is whichever version started last. Undefined when no runtime published one.
 */
export function newestContract(registry: readonly RegisteredContract[], type: string): RegisteredContract | undefined {
  let newest: RegisteredContract | undefined;
  for (const c of registry) if (c.type === type && (!newest || isNewer(c, newest))) newest = c;
  return newest;
}

function isNewer(a: RegisteredContract, b: RegisteredContract): boolean {
  const last = a.lastPublished.getTime() - b.lastPublished.getTime();
  return last !== 0 ? last > 0 : a.firstSeen >= b.firstSeen;
}

/**
 * Checks a job's payload against the newest registered schema of its type (given the registry, as
 * `contracts()` returns it) or against a schema given directly. Undefined when the registry has no
 * schema for the type. Schemas are compiled with TypeBox once per hash and kept.
 */
export function checkAgainstContract(source: readonly RegisteredContract[] | GivenSchema, job: { readonly type: string; readonly payload: unknown; readonly schemaHash?: string | undefined }): ContractVerdict | undefined {
  const chosen = Array.isArray(source) ? newestContract(source as readonly RegisteredContract[], job.type) : (source as GivenSchema);
  if (!chosen) return undefined;
  const validator = validatorFor(chosen.schema, chosen.schemaHash);
  const passes = validator.check(job.payload);
  return {
    schemaHash: chosen.schemaHash,
    passes,
    issues: passes ? [] : validator.errors(job.payload),
    sameSchema: chosen.schemaHash !== undefined && chosen.schemaHash === job.schemaHash,
  };
}

function validatorFor(schema: object, schemaHash: string | undefined): Validator {
  // The registry's hash names the schema; a schema given without one is keyed by its text.
  const key = schemaHash ? `hash ${schemaHash}` : `text ${createHash("sha256").update(JSON.stringify(schema)).digest("hex")}`;
  let validator = validators.get(key);
  if (!validator) {
    validator = compile(schema);
    if (validators.size >= MAX_CACHED) validators.clear();
    validators.set(key, validator);
  }
  return validator;
}

function compile(schema: object): Validator {
  let compiled: ReturnType<typeof Compile>;
  try {
    compiled = Compile(schema as Parameters<typeof Compile>[0]);
  } catch (error) {
    // A registered schema TypeBox cannot compile: no payload can be said to pass it.
    const issue = { path: "", message: `the registered schema cannot be compiled: ${error instanceof Error ? error.message : String(error)}` };
    return { check: () => false, errors: () => [issue] };
  }
  return {
    check: (value) => compiled.Check(value),
    errors: (value) => [...compiled.Errors(value)].map((e) => ({ path: e.instancePath, message: e.message ?? "is invalid", keyword: e.keyword })),
  };
}
