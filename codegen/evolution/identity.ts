/**
 * The identity of one version of a job type's payload: what every job of that version is stamped
 * with, so a pool, `verify` and the ops tools can tell which version wrote it.
 */
import { createHash } from "node:crypto";
import type { JsonValue } from "../model.js";
import { canonicalJson } from "../schema-json.js";
import { withoutDocs } from "./canonicalize.js";

/** The first 16 hex digits of sha256 over the version number and the schema without its docs. */
export function contractIdentity(version: number, schema: JsonValue): string {
  return createHash("sha256").update(`${version}\n${canonicalJson(withoutDocs(schema))}`).digest("hex").slice(0, 16);
}
