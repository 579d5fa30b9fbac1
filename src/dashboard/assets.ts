import { readFileSync } from "node:fs";

/** The files of the page, shipped beside this module (dist/dashboard/assets in the package). */
const ASSET_DIR = new URL("./assets/", import.meta.url);

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".html": "text/html; charset=utf-8",
};

/** The files served under assets/; nothing else on disk can be named by a URL. */
export const ASSET_NAMES = ["app.js", "api.js", "dom.js", "views.js", "payload-view.js", "chart.js", "app.css", "icon.svg"] as const;

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

let cache: Map<string, Asset> | undefined;

/** Every asset, read once. */
export function assets(): ReadonlyMap<string, Asset> {
  if (!cache) {
    cache = new Map();
    for (const name of ASSET_NAMES) cache.set(name, { body: readFileSync(new URL(name, ASSET_DIR)), type: TYPES[name.slice(name.lastIndexOf("."))]! });
  }
  return cache;
}

/** The page, with the values it needs from the server as meta tags (no inline script under the CSP). */
export function indexHtml(values: { csrfToken: string; readOnly: boolean }): string {
  const template = readFileSync(new URL("index.html", ASSET_DIR), "utf8");
  return template.replace("%CSRF_TOKEN%", values.csrfToken).replace("%READ_ONLY%", values.readOnly ? "true" : "false");
}
