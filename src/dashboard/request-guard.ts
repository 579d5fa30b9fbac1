import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { DashboardHttpError } from "./http-kit.js";

/** The cookie that carries the token once the browser has opened the `?token=` link. */
export const TOKEN_COOKIE = "typed_jobs_dashboard";
/** The header every state-changing request carries: the CSRF token the page was served with. */
export const CSRF_HEADER = "x-csrf-token";

/** A random secret fit for a URL: a generated dashboard token, or a CSRF token. */
export function randomToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Equal strings, compared in constant time (by their digests, so lengths leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token a request presents: `Authorization: Bearer`, else the dashboard's cookie. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  for (const part of String(req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * A state-changing request must come from the dashboard's own page: its Origin (sent by browsers on
 * every POST) names this host, no browser says it is cross-site, and it carries the CSRF token.
 */
export function checkSameOriginPost(req: IncomingMessage, csrfToken: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !originMatchesHost(origin, req.headers.host)) {
    throw new DashboardHttpError(403, "CROSS_ORIGIN", "a state change from another origin is refused");
  }
  if (req.headers["sec-fetch-site"] === "cross-site") throw new DashboardHttpError(403, "CROSS_ORIGIN", "a cross-site state change is refused");
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== "string" || !sameSecret(given, csrfToken)) {
    throw new DashboardHttpError(403, "CSRF", `a state change needs the ${CSRF_HEADER} header of the dashboard's page`);
  }
}

function originMatchesHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
