import type { IncomingMessage, ServerResponse } from "node:http";
import { JobsError } from "../errors.js";

/** A request the dashboard refuses or cannot answer, with the HTTP status and a stable code. */
export class DashboardHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "DashboardHttpError";
  }
}

/** Headers on every response: nothing runs but the dashboard's own script, nothing frames the page. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(text);
}

/** An error as the API reports it: `{ error: { code, message } }` with a status that fits it. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof DashboardHttpError) return sendJson(res, error.status, { error: { code: error.code, message: error.message } });
  if (error instanceof JobsError) return sendJson(res, statusOf(error), { error: { code: error.code, message: error.message } });
  sendJson(res, 500, { error: { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) } });
}

function statusOf(error: JobsError): number {
  switch (error.code) {
    case "JOB_NOT_FOUND":
      return 404;
    case "JOB_STATE":
      return 409;
    case "INVALID_OPTION":
    case "UNKNOWN_JOB_TYPE":
    case "PAYLOAD_INVALID":
      return 400;
    case "REDIS_UNAVAILABLE":
    case "REDIS_ERROR":
    case "CLOSED":
      return 503;
    default:
      return 500;
  }
}

/** The largest JSON body an action takes: a selection, never a payload. */
const MAX_BODY_BYTES = 64 * 1024;

/** A POST's JSON body, an object; anything else is a 400 (415 for another content type). */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new DashboardHttpError(415, "UNSUPPORTED_MEDIA_TYPE", "actions take a JSON body (content-type: application/json)");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new DashboardHttpError(413, "BODY_TOO_LARGE", `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new DashboardHttpError(400, "BAD_JSON", "the body is not JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new DashboardHttpError(400, "BAD_JSON", "the body must be a JSON object");
  return body as Record<string, unknown>;
}

export function badRequest(message: string): DashboardHttpError {
  return new DashboardHttpError(400, "BAD_REQUEST", message);
}
