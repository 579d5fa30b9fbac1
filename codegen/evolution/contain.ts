/**
 * The containment check: does every value the old schema accepts pass the new one? Written over the
 * keywords TypeBox emits. Sound first: it answers "contained" only when it has proved it; whatever
 * it cannot decide is a difference (a rule marked undecidable). Each difference carries what the
 * counterexample search needs: hints (values at its pointer meant to separate the two schemas), the
 * two subschemas, and how to build a whole old payload around a value at the pointer.
 */
import type { JsonValue } from "../model.js";
import { canonicalJson } from "../schema-json.js";
import { isJsonObject } from "./canonicalize.js";
import type { RuleId } from "./rules.js";
import { sampleValue, seededRng } from "./sample.js";
import { asSchema, hasRef, isAny, isNever, resolveRef, sameSchema, strip, typeSet, validatorOf, type JsonType, type Schema } from "./schema-node.js";

export interface Difference {
  readonly rule: RuleId;
  /** JSON pointer into the payload. */
  readonly pointer: string;
  readonly detail: string;
  /** Values at `pointer` meant to pass the old subschema and fail the new one. */
  readonly hints: readonly JsonValue[];
  readonly oldSchema: JsonValue;
  readonly newSchema: JsonValue;
  /** A whole payload of the old schema with `value` at `pointer` (undefined when it cannot be built). */
  readonly embed: (value: JsonValue) => JsonValue | undefined;
}

/** Keywords the checker models in a new schema; any other one there is `unsupported-keyword`. */
const MODELLED = new Set([
  "type", "const", "enum", "anyOf", "oneOf", "allOf", "not", "$ref", "$defs", "definitions",
  "properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties",
  "minLength", "maxLength", "pattern", "format",
  "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems",
]);

const MAX_DEPTH = 64;
const MATCH_ALL = new Set(["^.*$", ".*", "^(.*)$", ""]);

interface At {
  readonly pointer: string;
  readonly embed: (value: JsonValue) => JsonValue | undefined;
  readonly depth: number;
  /** Pairs of references being compared further up: met again, they are assumed contained. */
  readonly assumed: ReadonlySet<string>;
}

export interface Roots {
  readonly oldRoot: JsonValue;
  readonly newRoot: JsonValue;
}

/** Every difference that may let a value of `oldSchema` fail `newSchema`; empty when containment is proved. */
export function differences(oldSchema: JsonValue, newSchema: JsonValue): Difference[] {
  const checker = new Containment({ oldRoot: oldSchema, newRoot: newSchema });
  return checker.contain(oldSchema, newSchema, { pointer: "", embed: (value) => value, depth: 0, assumed: new Set() });
}

class Containment {
  constructor(private readonly roots: Roots) {}

  contain(oldValue: JsonValue, newValue: JsonValue, at: At): Difference[] {
    let o = asSchema(oldValue);
    let n = asSchema(newValue);
    if (at.depth > MAX_DEPTH) return [this.diff("not-provable", at, o, n, "the schemas nest too deep to compare")];
    if (!hasRef(o) && !hasRef(n) && sameSchema(o, n)) return [];
    if (typeof o.$ref === "string" || typeof n.$ref === "string") {
      // A side that is not a reference is named by its text: the same reference against another subtree is another pair.
      const key = `${typeof o.$ref === "string" ? o.$ref : canonicalJson(o)}\u0000${typeof n.$ref === "string" ? n.$ref : canonicalJson(n)}`;
      if (at.assumed.has(key)) return [];
      const assumed = new Set(at.assumed).add(key);
      const ro = typeof o.$ref === "string" ? this.deref(o, this.roots.oldRoot) : o;
      const rn = typeof n.$ref === "string" ? this.deref(n, this.roots.newRoot) : n;
      if (!ro || !rn) return [this.diff("not-provable", at, o, n, "a $ref that does not resolve to a local definition")];
      return this.contain(ro, rn, { ...at, depth: at.depth + 1, assumed });
    }
    o = strip(o);
    n = strip(n);
    if (isAny(n) || isNever(o)) return [];
    const finite = this.finiteValues(o);
    if (finite) return this.containValues(finite, o, n, at);
    for (const key of ["anyOf", "oneOf"] as const) {
      if (Array.isArray(o[key])) return this.branchesOf(o, key).flatMap((branch) => this.contain(branch, n, at));
    }
    if (Array.isArray(o.allOf)) return this.containIntersection(o, n, at);
    return this.containInNew(o, n, at);
  }

  /** `o` has no union, intersection or reference left at its top. */
  private containInNew(o: Schema, n: Schema, at: At): Difference[] {
    const unsupported = Object.keys(n).filter((key) => !MODELLED.has(key));
    if (unsupported.length > 0) return [this.diff("unsupported-keyword", at, o, n, `the new schema uses ${unsupported.join(", ")}`)];
    if (Array.isArray(n.allOf)) {
      const rest = without(n, "allOf");
      return [...(isAny(rest) ? [] : this.contain(o, rest, at)), ...n.allOf.flatMap((member) => this.contain(o, member, { ...at, depth: at.depth + 1 }))];
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const branches = n[key];
      if (!Array.isArray(branches)) continue;
      if (key === "oneOf" && !this.pairwiseDisjoint(branches.map(asSchema))) return [this.diff("one-of-overlap", at, o, n, "the new oneOf's branches are not provably disjoint")];
      const rest = without(n, key);
      const outside = isAny(rest) ? [] : this.contain(o, rest, at);
      if (branches.some((branch) => this.contain(o, branch, { ...at, depth: at.depth + 1 }).length === 0)) return outside;
      // Report against the nearest branch of the same type: the fewest differences, a differing literal (a discriminator) weighing most.
      const types = typeSet(o);
      const near = branches
        .map(asSchema)
        .filter((branch) => [...types].some((t) => typeSet(strip(branch)).has(t)))
        .map((branch) => this.contain(o, branch, { ...at, depth: at.depth + 1 }))
        .sort((a, b) => distance(a) - distance(b))[0];
      if (near) return [...outside, ...near];
      return [...outside, this.diff("union-branch-removed", at, o, n, "no branch of the new union accepts the old values")];
    }
    if (n.not !== undefined) return [this.diff(isNever(n) ? "type-changed" : "not-provable", at, o, n, isNever(n) ? "the new schema accepts nothing" : "the new schema has a not")];
    // The old side is not finite here (finite ones were checked value by value): a finite new side cannot hold it.
    if ("const" in n || Array.isArray(n.enum)) return [this.diff("const-changed", at, o, n, "the new schema allows only listed values", [0, 1, 2, 3].map((seed) => sampleValue(o, this.roots.oldRoot, seededRng(seed))))];
    return this.containTyped(o, n, at);
  }

  private containTyped(o: Schema, n: Schema, at: At): Difference[] {
    const oldTypes = typeSet(o);
    const newTypes = typeSet(n);
    const lost = [...oldTypes].filter((t) => !newTypes.has(t) && !(t === "integer" && newTypes.has("number")));
    if (lost.length > 0) {
      const narrowed = lost.length === 1 && lost[0] === "number" && newTypes.has("integer");
      return [this.diff(narrowed ? "type-narrowed-to-integer" : "type-changed", at, o, n, `the new schema refuses ${lost.join(", ")}`, lost.map(representative))];
    }
    const out: Difference[] = [];
    if (oldTypes.has("string")) out.push(...this.containString(o, n, at));
    if (oldTypes.has("number") || oldTypes.has("integer")) out.push(...this.containNumber(o, n, at, !oldTypes.has("number")));
    if (oldTypes.has("array")) out.push(...this.containArray(o, n, at));
    if (oldTypes.has("object")) out.push(...this.containObject(o, n, at));
    return out;
  }

  private containString(o: Schema, n: Schema, at: At): Difference[] {
    const out: Difference[] = [];
    const oMin = num(o.minLength) ?? 0;
    const oMax = num(o.maxLength) ?? Infinity;
    const nMin = num(n.minLength);
    const nMax = num(n.maxLength);
    if (nMin !== undefined && nMin > oMin) out.push(this.diff("min-length-raised", at, o, n, `minLength ${oMin} → ${nMin}`, [this.stringOfLength(o, oMin)]));
    if (nMax !== undefined && nMax < oMax) out.push(this.diff("max-length-lowered", at, o, n, `maxLength ${oMax === Infinity ? "none" : oMax} → ${nMax}`, [this.stringOfLength(o, nMax + 1)]));
    if (typeof n.format === "string" && n.format !== o.format) out.push(this.diff("format-added", at, o, n, `format ${o.format === undefined ? "none" : JSON.stringify(o.format)} → ${JSON.stringify(n.format)}`, ["", "x", "not a valid value"]));
    if (typeof n.pattern === "string" && n.pattern !== o.pattern) {
      const added = o.pattern === undefined;
      out.push(this.diff(added ? "pattern-added" : "pattern-changed", at, o, n, `pattern ${added ? "none" : JSON.stringify(o.pattern)} → ${JSON.stringify(n.pattern)}`, ["", "x", "0"]));
    }
    return out;
  }

  private stringOfLength(o: Schema, length: number): string {
    const base = typeof o.format === "string" || typeof o.pattern === "string" ? String(sampleValue(o, this.roots.oldRoot, seededRng(length))) : "";
    return base.length >= length ? [...base].slice(0, length).join("") : base + "a".repeat(length - base.length);
  }

  private containNumber(o: Schema, n: Schema, at: At, integerOnly: boolean): Difference[] {
    const out: Difference[] = [];
    const oLow = bound(o, "minimum", "exclusiveMinimum", integerOnly, 1);
    const oHigh = bound(o, "maximum", "exclusiveMaximum", integerOnly, -1);
    const nLow = bound(n, "minimum", "exclusiveMinimum", false, 1);
    const nHigh = bound(n, "maximum", "exclusiveMaximum", false, -1);
    const step = integerOnly ? 1 : 0.5;
    if (nLow && !(oLow && (oLow.value > nLow.value || (oLow.value === nLow.value && (!nLow.exclusive || oLow.exclusive))))) {
      const hints = [nLow.exclusive ? nLow.value : nLow.value - step, ...(oLow && !oLow.exclusive ? [oLow.value] : [])];
      out.push(this.diff("minimum-raised", at, o, n, `lower bound ${describeBound(oLow, ">")} → ${describeBound(nLow, ">")}`, hints));
    }
    if (nHigh && !(oHigh && (oHigh.value < nHigh.value || (oHigh.value === nHigh.value && (!nHigh.exclusive || oHigh.exclusive))))) {
      const hints = [nHigh.exclusive ? nHigh.value : nHigh.value + step, ...(oHigh && !oHigh.exclusive ? [oHigh.value] : [])];
      out.push(this.diff("maximum-lowered", at, o, n, `upper bound ${describeBound(oHigh, "<")} → ${describeBound(nHigh, "<")}`, hints));
    }
    const nStep = num(n.multipleOf);
    if (nStep !== undefined) {
      const oStep = num(o.multipleOf) ?? (integerOnly ? 1 : undefined);
      // Only exact steps: with fractions, float rounding could make a multiple of one not a multiple of the other.
      const implied = oStep !== undefined && (oStep === nStep || (Number.isInteger(oStep) && Number.isInteger(nStep) && oStep % nStep === 0));
      if (!implied) out.push(this.diff("multiple-of-changed", at, o, n, `multipleOf ${oStep ?? "none"} → ${nStep}`, [nStep / 2, (oStep ?? 1) * 1, 1, 0.5]));
    }
    return out;
  }

  private containArray(o: Schema, n: Schema, at: At): Difference[] {
    const out: Difference[] = [];
    const oShape = arrayShape(o);
    const nShape = arrayShape(n);
    const oMaxLength = oShape.rest === false ? Math.min(oShape.prefix.length, oShape.max) : oShape.max;
    const positions = Math.min(Math.max(oShape.prefix.length, nShape.prefix.length), oMaxLength);
    for (let i = 0; i < positions; i++) {
      const oItem = oShape.prefix[i] ?? oShape.rest;
      const nItem = nShape.prefix[i] ?? nShape.rest;
      if (oItem === false) break;
      const child = this.child(at, String(i), o, (value) => this.arrayWith(o, i, value));
      if (nItem === false) out.push(this.diff("tuple-changed", child, asSchema(oItem), { not: {} }, `position ${i} is not allowed any more`, [sampleValue(oItem, this.roots.oldRoot, seededRng(i))]));
      else out.push(...this.contain(oItem, nItem, child));
    }
    if (oShape.rest !== false && oMaxLength > positions) {
      const i = positions;
      const nItem = nShape.prefix[i] ?? nShape.rest;
      const child = this.child(at, String(i), o, (value) => this.arrayWith(o, i, value));
      if (nItem === false) out.push(this.diff("tuple-changed", child, asSchema(oShape.rest), { not: {} }, `an array may no longer have more than ${i} items`, [sampleValue(oShape.rest, this.roots.oldRoot, seededRng(i))]));
      else if (i >= nShape.prefix.length) out.push(...this.contain(oShape.rest, nItem, child));
      else out.push(this.diff("tuple-changed", at, o, n, "a list became a tuple"));
    }
    if (nShape.min > oShape.min) out.push(this.diff("min-items-raised", at, o, n, `minItems ${oShape.min} → ${nShape.min}`, [this.arrayOfLength(o, oShape.min)]));
    if (nShape.max < oMaxLength) out.push(this.diff("max-items-lowered", at, o, n, `maxItems ${oMaxLength === Infinity ? "none" : oMaxLength} → ${nShape.max}`, [this.arrayOfLength(o, nShape.max + 1)]));
    if (n.uniqueItems === true && o.uniqueItems !== true) {
      const item = sampleValue(oShape.prefix[0] ?? oShape.rest, this.roots.oldRoot, seededRng(7));
      out.push(this.diff("unique-items-added", at, o, n, "uniqueItems was added", [[item, item]]));
    }
    return out;
  }

  private arrayOfLength(o: Schema, length: number): JsonValue {
    const shape = arrayShape(o);
    const rng = seededRng(length);
    return Array.from({ length }, (_, i) => sampleValue(shape.prefix[i] ?? (shape.rest === false ? {} : shape.rest), this.roots.oldRoot, rng));
  }

  private arrayWith(o: Schema, index: number, value: JsonValue): JsonValue {
    const shape = arrayShape(o);
    const items = this.arrayOfLength(o, Math.max(index + 1, shape.min, shape.prefix.length > index ? 0 : 0)) as JsonValue[];
    items[index] = value;
    return items;
  }

  private containObject(o: Schema, n: Schema, at: At): Difference[] {
    const out: Difference[] = [];
    const oProps = isJsonObject(o.properties) ? o.properties : {};
    const nProps = isJsonObject(n.properties) ? n.properties : {};
    const oRequired = stringList(o.required);
    const nRequired = stringList(n.required);
    for (const key of nRequired) {
      if (oRequired.includes(key)) continue;
      const sample = this.objectSample(o);
      const hint = isJsonObject(sample) ? Object.fromEntries(Object.entries(sample).filter(([k]) => k !== key)) : sample;
      out.push(this.diff("required-added", at, o, n, `${JSON.stringify(key)} became required`, [hint]));
    }
    for (const key of new Set([...Object.keys(nProps), ...Object.keys(oProps)])) {
      const oldValue = this.oldValueOf(o, key);
      if (oldValue === undefined) continue;
      const child = this.child(at, key, o, (value) => ({ ...(this.objectSample(o) as object), [key]: value }));
      const constraints = this.newConstraintsOf(n, key);
      if (constraints === "refused") {
        out.push(this.diff("property-removed-closed", child, asSchema(oldValue), { not: {} }, `${JSON.stringify(key)} is not declared any more and unknown keys are refused`, [sampleValue(oldValue, this.roots.oldRoot, seededRng(3))]));
        continue;
      }
      const inner = constraints.flatMap((c) => this.contain(oldValue, c, child));
      if (inner.length > 0 && !(key in oProps)) {
        out.push(this.diff("property-added-open", child, asSchema(oldValue), asSchema(constraints[0]!), `old payloads were written open and may carry ${JSON.stringify(key)} with another type`, [null, 0, "", true, [], {}, "x", 1.5, ...inner.flatMap((d) => d.hints)]));
      } else out.push(...inner);
    }
    out.push(...this.containExtraKeys(o, n, at));
    const oMinProps = Math.max(num(o.minProperties) ?? 0, oRequired.length);
    const nMinProps = num(n.minProperties);
    if (nMinProps !== undefined && nMinProps > oMinProps) out.push(this.diff("min-properties-raised", at, o, n, `minProperties ${oMinProps} → ${nMinProps}`, [{}]));
    const nMaxProps = num(n.maxProperties);
    const oClosed = o.additionalProperties === false && !isJsonObject(o.patternProperties);
    const oMaxProps = num(o.maxProperties) ?? (oClosed ? Object.keys(oProps).length : Infinity);
    if (nMaxProps !== undefined && nMaxProps < oMaxProps) out.push(this.diff("max-properties-lowered", at, o, n, `maxProperties ${oMaxProps === Infinity ? "none" : oMaxProps} → ${nMaxProps}`));
    return out;
  }

  /** Keys neither schema declares: what the old allows of them must pass the new. */
  private containExtraKeys(o: Schema, n: Schema, at: At): Difference[] {
    const nPatterns = isJsonObject(n.patternProperties) ? n.patternProperties : undefined;
    const oPatterns = isJsonObject(o.patternProperties) ? o.patternProperties : undefined;
    const nAdditional = n.additionalProperties;
    if (!nPatterns && (nAdditional === undefined || nAdditional === true)) return [];
    // A key pattern that matches every key leaves nothing to additionalProperties.
    const oMatchAll = oPatterns !== undefined && Object.keys(oPatterns).some((p) => MATCH_ALL.has(p));
    const oAdditional = oMatchAll ? false : o.additionalProperties === undefined ? true : o.additionalProperties;
    const oldExtras: JsonValue[] = [...Object.values(oPatterns ?? {}), ...(oAdditional === false ? [] : [oAdditional])];
    const unknownKey = this.undeclaredKey(n);
    const child = this.child(at, unknownKey, o, (value) => ({ ...(this.objectSample(o) as object), [unknownKey]: value }));
    if (nPatterns) {
      const patterns = Object.keys(nPatterns);
      const matchAll = patterns.length === 1 && MATCH_ALL.has(patterns[0]!);
      if (matchAll) return oldExtras.flatMap((extra) => this.contain(extra, nPatterns[patterns[0]!]!, child));
      if (oPatterns && canonicalJson(Object.keys(oPatterns).sort()) === canonicalJson(patterns.sort())) {
        const perPattern = patterns.flatMap((p) => this.contain(oPatterns[p]!, nPatterns[p]!, { ...at, pointer: `${at.pointer}/{${p}}`, depth: at.depth + 1 }));
        const rest = oAdditional === false ? [] : nAdditional === undefined || nAdditional === true ? [] : this.containAdditional(oAdditional, nAdditional, child);
        return [...perPattern, ...rest];
      }
      if (oldExtras.length === 0) return [];
      return [this.diff("pattern-properties-changed", at, o, n, "the key patterns differ; which keys each accepts cannot be compared")];
    }
    return oldExtras.flatMap((extra) => this.containAdditional(extra, nAdditional!, child));
  }

  private containAdditional(oldExtra: JsonValue, newExtra: JsonValue, child: At): Difference[] {
    if (newExtra === false) return [this.diff("additional-properties-closed", child, asSchema(oldExtra), { not: {} }, "keys the schema does not declare are refused now", [sampleValue(oldExtra, this.roots.oldRoot, seededRng(5)), 0, "x"])];
    const inner = this.contain(oldExtra, newExtra, child);
    return inner.length === 0 ? [] : [this.diff("additional-properties-closed", child, asSchema(oldExtra), asSchema(newExtra), "what undeclared keys may hold was narrowed", inner.flatMap((d) => d.hints))];
  }

  /** What the old schema allows under `key`: undefined when the key cannot be present. */
  private oldValueOf(o: Schema, key: string): JsonValue | undefined {
    const props = isJsonObject(o.properties) ? o.properties : {};
    if (key in props) return props[key];
    const patterns = isJsonObject(o.patternProperties) ? o.patternProperties : {};
    for (const [pattern, schema] of Object.entries(patterns)) if (matches(pattern, key)) return schema;
    if (o.additionalProperties === false) return undefined;
    return o.additionalProperties ?? {};
  }

  /** Every schema the new one applies to `key`, or "refused" when the key may not be present. */
  private newConstraintsOf(n: Schema, key: string): JsonValue[] | "refused" {
    const props = isJsonObject(n.properties) ? n.properties : {};
    const patterns = isJsonObject(n.patternProperties) ? n.patternProperties : {};
    const out: JsonValue[] = [];
    if (key in props) out.push(props[key]!);
    for (const [pattern, schema] of Object.entries(patterns)) {
      const hit = matches(pattern, key);
      if (hit === undefined) return [{ not: {} }];
      if (hit) out.push(schema);
    }
    if (out.length > 0) return out;
    if (n.additionalProperties === false) return "refused";
    return n.additionalProperties === undefined || n.additionalProperties === true ? [] : [n.additionalProperties];
  }

  private undeclaredKey(n: Schema): string {
    const props = isJsonObject(n.properties) ? n.properties : {};
    let key = "undeclared";
    while (key in props) key = `${key}_`;
    return key;
  }

  private objectSample(o: Schema): JsonValue {
    return sampleValue(o, this.roots.oldRoot, seededRng(11));
  }

  private containValues(values: readonly JsonValue[], o: Schema, n: Schema, at: At): Difference[] {
    const oldCheck = validatorOf(o, this.roots.oldRoot);
    const newCheck = validatorOf(n, this.roots.newRoot);
    const refused = values.filter((v) => oldCheck(v) && !newCheck(v));
    if (refused.length === 0) return [];
    const typeLost = refused.some((v) => !typeSet(n).has(jsonType(v)) && !(jsonType(v) === "integer" && typeSet(n).has("number")));
    return [this.diff(typeLost ? "type-changed" : "const-changed", at, o, n, `the new schema refuses ${refused.map((v) => JSON.stringify(v)).join(", ")}`, refused)];
  }

  /** The values of a node that admits only finitely many: const, enum, null, boolean. */
  private finiteValues(o: Schema): JsonValue[] | undefined {
    if ("const" in o) return [o.const!];
    if (Array.isArray(o.enum)) return [...o.enum];
    if (Array.isArray(o.anyOf) || Array.isArray(o.oneOf) || Array.isArray(o.allOf)) return undefined;
    if (o.type === "null") return [null];
    if (o.type === "boolean") return [true, false];
    return undefined;
  }

  private containIntersection(o: Schema, n: Schema, at: At): Difference[] {
    const merged = mergeObjects(o);
    if (merged) return this.contain(merged, n, at);
    // Each member accepts at least what the intersection does: one contained member proves it.
    const members = (o.allOf as JsonValue[]).map(asSchema);
    const attempts = members.map((m) => this.contain(m, n, { ...at, depth: at.depth + 1 }));
    if (attempts.some((a) => a.length === 0)) return [];
    return attempts[0] ?? [];
  }

  private branchesOf(o: Schema, key: "anyOf" | "oneOf"): Schema[] {
    const rest = without(o, key);
    return (o[key] as JsonValue[]).map((branch) => {
      const b = asSchema(branch);
      // Siblings that clash with the branch are dropped: the old side may only grow, never shrink.
      return Object.keys(rest).some((k) => k in b) ? b : { ...rest, ...b };
    });
  }

  /** Branches no value can satisfy two of: different types, or different values at a required key. */
  private pairwiseDisjoint(branches: Schema[]): boolean {
    for (let i = 0; i < branches.length; i++) {
      for (let j = i + 1; j < branches.length; j++) if (!this.disjoint(branches[i]!, branches[j]!)) return false;
    }
    return true;
  }

  private disjoint(a: Schema, b: Schema): boolean {
    const sa = strip(a);
    const sb = strip(b);
    const ta = typeSet(sa);
    const tb = typeSet(sb);
    const widen = (t: Set<JsonType>) => (t.has("number") ? new Set([...t, "integer" as const]) : t);
    if (![...widen(ta)].some((t) => widen(tb).has(t))) return true;
    const fa = this.finiteValues(sa);
    const fb = this.finiteValues(sb);
    if (fa && fb) return !fa.some((x) => fb.some((y) => canonicalJson(x) === canonicalJson(y)));
    const pa = isJsonObject(sa.properties) ? sa.properties : {};
    const pb = isJsonObject(sb.properties) ? sb.properties : {};
    for (const key of stringList(sa.required)) {
      if (!stringList(sb.required).includes(key) || !(key in pa) || !(key in pb)) continue;
      const va = this.finiteValues(strip(asSchema(pa[key])));
      const vb = this.finiteValues(strip(asSchema(pb[key])));
      if (va && vb && !va.some((x) => vb.some((y) => canonicalJson(x) === canonicalJson(y)))) return true;
    }
    return false;
  }

  private deref(schema: Schema, root: JsonValue): Schema | undefined {
    const target = resolveRef(root, schema.$ref as string);
    if (!target) return undefined;
    const rest = without(without(schema, "$ref"), "$defs");
    return Object.keys(strip(rest)).length === 0 ? target : { allOf: [target, rest] };
  }

  private child(at: At, key: string, _o: Schema, wrap: (value: JsonValue) => JsonValue): At {
    return { pointer: `${at.pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`, embed: (value) => at.embed(wrap(value)), depth: at.depth + 1, assumed: at.assumed };
  }

  private diff(rule: RuleId, at: At, o: Schema, n: Schema, detail: string, hints: readonly JsonValue[] = []): Difference {
    return { rule, pointer: at.pointer, detail, hints, oldSchema: o, newSchema: n, embed: at.embed };
  }
}

function distance(differences: readonly Difference[]): number {
  return differences.reduce((sum, d) => sum + (d.rule === "const-changed" ? 10 : 1), 0);
}

/** An intersection of plain objects as one object (shared keys intersected); undefined when it is not one. */
function mergeObjects(o: Schema): Schema | undefined {
  const members = (o.allOf as JsonValue[]).map((m) => strip(asSchema(m)));
  const plain = members.every((m) => Object.keys(m).every((k) => k === "type" || k === "properties" || k === "required") && (m.type === undefined || m.type === "object"));
  if (!plain) return undefined;
  const properties: { [key: string]: JsonValue } = {};
  const required = new Set<string>();
  for (const m of members) {
    for (const [key, schema] of Object.entries(isJsonObject(m.properties) ? m.properties : {})) properties[key] = key in properties ? { allOf: [properties[key]!, schema] } : schema;
    for (const key of stringList(m.required)) required.add(key);
  }
  const closed = o.unevaluatedProperties === false || o.additionalProperties === false;
  return { type: "object", properties, required: [...required], ...(closed ? { additionalProperties: false } : {}) };
}

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

/** The tighter of `inclusiveKey` and `exclusiveKey`; for integers, exclusive bounds made inclusive. */
function bound(s: Schema, inclusiveKey: string, exclusiveKey: string, integer: boolean, direction: 1 | -1): Bound | undefined {
  const candidates: Bound[] = [];
  if (typeof s[inclusiveKey] === "number") candidates.push({ value: s[inclusiveKey], exclusive: false });
  if (typeof s[exclusiveKey] === "number") candidates.push({ value: s[exclusiveKey], exclusive: true });
  if (candidates.length === 0) return undefined;
  const normal = candidates.map((b) => (integer ? { value: direction === 1 ? (b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value)) : b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value), exclusive: false } : b));
  return normal.reduce((a, b) => (direction === 1 ? (b.value > a.value || (b.value === a.value && b.exclusive) ? b : a) : b.value < a.value || (b.value === a.value && b.exclusive) ? b : a));
}

function describeBound(b: Bound | undefined, side: ">" | "<"): string {
  return b ? `${side}${b.exclusive ? "" : "="} ${b.value}` : "none";
}

function arrayShape(s: Schema): { prefix: JsonValue[]; rest: JsonValue | false; min: number; max: number } {
  const tupleItems = Array.isArray(s.items) ? s.items : undefined;
  const prefix = Array.isArray(s.prefixItems) ? [...s.prefixItems] : tupleItems ? [...tupleItems] : [];
  const restValue = Array.isArray(s.prefixItems) || tupleItems ? (Array.isArray(s.prefixItems) ? s.items : s.additionalItems) : s.items;
  const rest = restValue === false ? false : (restValue ?? {});
  return { prefix, rest: isNever(asSchema(rest)) ? false : rest, min: num(s.minItems) ?? 0, max: num(s.maxItems) ?? Infinity };
}

function without(s: Schema, key: string): Schema {
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== key));
}

function num(value: JsonValue | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Whether `key` matches `pattern`; undefined when the pattern is not a valid expression. */
function matches(pattern: string, key: string): boolean | undefined {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    return undefined;
  }
}

function jsonType(value: JsonValue): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as JsonType;
}

function representative(type: JsonType): JsonValue {
  return { string: "x", number: 1.5, integer: 1, boolean: true, null: null, object: {}, array: [] }[type];
}
