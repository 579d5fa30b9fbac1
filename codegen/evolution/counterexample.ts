/**
 * A counterexample for a difference: a whole payload that the old schema's compiled validator accepts
 * and the new one's refuses. The difference's own hints are tried first, then values drawn from the
 * old subschema at its pointer, then whole old payloads; seeded, so a report is the same every run.
 * A difference with none found is still breaking (soundness), just without an example.
 */
import type { JsonValue } from "../model.js";
import type { Difference } from "./contain.js";
import { sampleValue, seededRng } from "./sample.js";
import { validatorOf } from "./schema-node.js";

const DRAWS = 120;

export function findCounterexample(difference: Difference, oldRoot: JsonValue, newRoot: JsonValue, seed = 1): JsonValue | undefined {
  const oldCheck = validatorOf(oldRoot, oldRoot);
  const newCheck = validatorOf(newRoot, newRoot);
  const separates = (payload: JsonValue | undefined): payload is JsonValue => payload !== undefined && oldCheck(payload) && !newCheck(payload);
  for (const hint of difference.hints) {
    const payload = difference.embed(hint);
    if (separates(payload)) return payload;
  }
  const rng = seededRng(seed);
  const newAtPointer = validatorOf(difference.newSchema, newRoot);
  for (let i = 0; i < DRAWS; i++) {
    const value = sampleValue(difference.oldSchema, oldRoot, rng);
    if (newAtPointer(value)) continue;
    const payload = difference.embed(value);
    if (separates(payload)) return payload;
  }
  for (let i = 0; i < DRAWS; i++) {
    const payload = sampleValue(oldRoot, oldRoot, rng);
    if (separates(payload)) return payload;
  }
  return undefined;
}
