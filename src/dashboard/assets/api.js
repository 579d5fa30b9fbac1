// Talks to the dashboard's server: reads by GET, state changes by POST with the page's CSRF token.

const csrfToken = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
export const readOnly = document.querySelector('meta[name="read-only"]').getAttribute("content") === "true";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function parse(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.error?.code ?? "HTTP", body?.error?.message ?? `HTTP ${response.status}`);
  return body;
}

export async function get(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  const text = query.toString();
  return parse(await fetch(`api/${path}${text ? `?${text}` : ""}`, { headers: { accept: "application/json" }, credentials: "same-origin" }));
}

export async function post(path, body = {}) {
  return parse(
    await fetch(`api/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrfToken },
      credentials: "same-origin",
      body: JSON.stringify(body),
    }),
  );
}

export const enc = encodeURIComponent;
