import { h } from "./dom.js";

const MASK = "[sensitive]";

/** The payload as a tree of fields, each with its schema's title and description; values as text. */
export function payloadView(value, schema) {
  return h("div", { class: "payload" }, render(value, schema ?? {}, schema ?? {}, 0));
}

function render(value, schema, root, depth) {
  const s = resolve(schema, root, value);
  if (depth > 40) return h("code", {}, JSON.stringify(value));
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return h("code", {}, "{}");
    return h("dl", { class: "fields" }, entries.map(([key, child]) => {
      const childSchema = propertySchema(s, key, root);
      const sensitive = childSchema?.["x-sensitive"] === true || child === MASK;
      const about = childSchema?.description ?? childSchema?.title;
      return [
        h("dt", {}, h("span", { class: "field-name" }, key), sensitive ? h("span", { class: "badge badge-sensitive" }, "sensitive") : null, about ? h("span", { class: "field-about" }, about) : null),
        h("dd", {}, render(child, childSchema ?? {}, root, depth + 1)),
      ];
    }));
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return h("code", {}, "[]");
    return h("ol", { class: "items", start: "0" }, value.map((item, i) => h("li", {}, render(item, itemSchema(s, i, root) ?? {}, root, depth + 1))));
  }
  if (value === MASK) return h("span", { class: "masked" }, MASK);
  return h("code", { class: `value value-${value === null ? "null" : typeof value}` }, typeof value === "string" ? value : JSON.stringify(value));
}

function deref(schema, root) {
  let s = schema;
  for (let hops = 0; s && typeof s.$ref === "string" && s.$ref.startsWith("#") && hops < 32; hops++) {
    s = s.$ref.slice(1).split("/").filter(Boolean).reduce((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], root);
  }
  return s ?? {};
}

/** The branch of a union the value fits best: for an object, the one naming most of its keys. */
function resolve(schema, root, value) {
  const s = deref(schema, root);
  const branches = s.anyOf ?? s.oneOf;
  if (!Array.isArray(branches)) return s;
  let best = s;
  let bestScore = -1;
  for (const branch of branches.map((b) => deref(b, root))) {
    const score = fit(branch, value);
    if (score > bestScore) {
      best = { ...branch, description: branch.description ?? s.description };
      bestScore = score;
    }
  }
  return best;
}

function fit(branch, value) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const props = branch.properties ?? {};
    return Object.keys(value).filter((k) => k in props && (props[k].const === undefined || props[k].const === value[k])).length;
  }
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;
  if (branch.const !== undefined) return branch.const === value ? 2 : 0;
  return branch.type === type || (branch.type === "number" && type === "integer") ? 1 : 0;
}

function propertySchema(s, key, root) {
  const direct = s.properties?.[key];
  if (direct) return deref(direct, root);
  for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
    try {
      if (new RegExp(pattern, "u").test(key)) return deref(sub, root);
    } catch {
      // A pattern this browser cannot compile describes nothing here.
    }
  }
  return typeof s.additionalProperties === "object" ? deref(s.additionalProperties, root) : undefined;
}

function itemSchema(s, i, root) {
  if (Array.isArray(s.prefixItems) && s.prefixItems[i]) return deref(s.prefixItems[i], root);
  return typeof s.items === "object" ? deref(s.items, root) : undefined;
}
