// Every string from the server reaches the page as text: nodes are built here, never parsed from HTML.

/**
 * An element: `attrs` are attributes (never `style` or a handler as text), `on` event listeners,
 * `children` nodes or strings (added as text nodes).
 */
export function h(tag, attrs = {}, ...children) {
  const el = tag.startsWith("svg:") ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "on") {
      for (const [event, listener] of Object.entries(value)) el.addEventListener(event, listener);
    } else if (name === "class") {
      el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    } else if (name === "style" || name.startsWith("on")) {
      throw new Error(`attribute ${name} is not set from script`);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A hash link inside the dashboard; parts are encoded, so an id cannot make it another URL. */
export function link(route, text, attrs = {}) {
  return h("a", { href: `#${route}`, ...attrs }, text);
}

export function when(date) {
  if (!date) return "—";
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? String(date) : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function ms(value) {
  if (value === null || value === undefined) return "—";
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)} s`;
  if (value < 3_600_000) return `${(value / 60_000).toFixed(1)} min`;
  return `${(value / 3_600_000).toFixed(1)} h`;
}

export function plural(n, word) {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}
