import { InvalidOptionError } from "../errors.js";

// A job type's name is part of its Redis keys and of the identifiers generated from it.
const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `name` cannot name a job type, or undefined when it can. */
export function typeNameProblem(name: unknown): string | undefined {
  if (typeof name === "string" && TYPE_NAME.test(name)) return undefined;
  return `must be letters, digits and _, not starting with a digit; got ${JSON.stringify(name) ?? String(name)}`;
}

export function assertTypeName(name: unknown, op: string): asserts name is string {
  const problem = typeNameProblem(name);
  if (problem !== undefined) throw new InvalidOptionError(op, "type", problem);
}
