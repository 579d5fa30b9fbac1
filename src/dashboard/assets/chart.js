import { h } from "./dom.js";

/**
 * Finished and failed per minute as stacked SVG bars, from the stats time series (one point per
 * minute, oldest first). Sizes are SVG attributes: the CSP allows no inline style.
 */
export function throughputChart(points, label) {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...points.map((p) => p.finished + p.failed));
  const bar = width / Math.max(1, points.length);
  const finished = points.reduce((n, p) => n + p.finished, 0);
  const failed = points.reduce((n, p) => n + p.failed, 0);
  const svg = h("svg:svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": `${label}: ${finished} finished, ${failed} failed in the last ${points.length} minutes`, preserveAspectRatio: "none" });
  points.forEach((p, i) => {
    const okHeight = (p.finished / max) * (height - 4);
    const failHeight = (p.failed / max) * (height - 4);
    const x = i * bar + 0.5;
    const w = Math.max(1, bar - 1);
    if (okHeight > 0) svg.append(h("svg:rect", { x, y: height - okHeight, width: w, height: okHeight, class: "bar-finished" }, h("svg:title", {}, `${new Date(p.minute).toISOString().slice(11, 16)}: ${p.finished} finished`)));
    if (failHeight > 0) svg.append(h("svg:rect", { x, y: height - okHeight - failHeight, width: w, height: failHeight, class: "bar-failed" }, h("svg:title", {}, `${new Date(p.minute).toISOString().slice(11, 16)}: ${p.failed} failed`)));
  });
  return h("figure", { class: "chart-box" }, svg, h("figcaption", {}, h("span", { class: "key key-finished" }, `${finished} finished`), " ", h("span", { class: "key key-failed" }, `${failed} failed`), ` · ${label}, last ${points.length} min`));
}

/** Sums per-type series minute by minute. */
export function sumSeries(seriesByType) {
  const all = Object.values(seriesByType);
  if (all.length === 0) return [];
  return all[0].map((p, i) => ({ minute: p.minute, finished: all.reduce((n, s) => n + (s[i]?.finished ?? 0), 0), failed: all.reduce((n, s) => n + (s[i]?.failed ?? 0), 0) }));
}
