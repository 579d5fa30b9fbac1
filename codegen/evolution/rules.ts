/**
 * The rules of the compatibility check: each difference between two versions of a payload schema
 * that can make a payload valid under the old one invalid under the new one has an id here. A rule
 * is either *proved* breaking (its counterexample separates the two compiled validators) or *not
 * provable*: the checker cannot decide it, and soundness says breaking.
 */

export type RuleId = keyof typeof RULES;

export interface Rule {
  /** What the change is, for the report. */
  readonly summary: string;
  /** True when the checker cannot decide the change either way; it is breaking all the same. */
  readonly undecidable?: boolean;
}

export const RULES = {
  "type-changed": { summary: "the value's type is not allowed any more" },
  "type-narrowed-to-integer": { summary: "number became integer" },
  "const-changed": { summary: "a literal or enum value is not allowed any more" },
  "required-added": { summary: "a property became required" },
  "property-added-open": { summary: "a property was declared that old payloads could already carry with another type (they were written open)" },
  "property-removed-closed": { summary: "a property is no longer declared and unknown keys are refused" },
  "additional-properties-closed": { summary: "unknown keys are refused or narrowed" },
  "pattern-properties-changed": { summary: "the key patterns of a record changed", undecidable: true },
  "min-properties-raised": { summary: "minProperties was raised" },
  "max-properties-lowered": { summary: "maxProperties was lowered or added" },
  "min-length-raised": { summary: "minLength was raised" },
  "max-length-lowered": { summary: "maxLength was lowered or added" },
  "format-added": { summary: "a string format was added or changed" },
  "pattern-added": { summary: "a pattern was added" },
  "pattern-changed": { summary: "a pattern changed; whether the new one accepts every string the old one did cannot be decided", undecidable: true },
  "minimum-raised": { summary: "a lower bound was raised or added" },
  "maximum-lowered": { summary: "an upper bound was lowered or added" },
  "multiple-of-changed": { summary: "multipleOf was added or changed to one the old does not imply" },
  "min-items-raised": { summary: "minItems was raised" },
  "max-items-lowered": { summary: "maxItems was lowered or added" },
  "unique-items-added": { summary: "uniqueItems was added" },
  "tuple-changed": { summary: "a tuple's length or shape changed" },
  "union-branch-removed": { summary: "no branch of the new union accepts every value of an old one" },
  "one-of-overlap": { summary: "a oneOf whose branches may overlap; exactly-one cannot be proved", undecidable: true },
  "not-provable": { summary: "a negation or another construct whose containment cannot be decided", undecidable: true },
  "unsupported-keyword": { summary: "a keyword the checker does not model changed or was added", undecidable: true },
  "type-removed": { summary: "the job type is no longer in the contract while jobs of it may wait" },
} as const satisfies Record<string, Rule>;

/** Which guarantee a difference breaks. */
export type Guarantee = "waiting" | "rolling";

/** How a type's change between two versions is classified. */
export type ChangeClass = "safe-for-rolling-deploy" | "safe-for-waiting-jobs" | "breaking";
