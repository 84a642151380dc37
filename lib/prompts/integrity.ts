import crypto from "node:crypto";
import { canonicalJson } from "@/lib/audit/chain";

/** The audit events that add a version; each carries `describeVersion(v)` as `after.version` and the prompt's name as `after.name`. */
export const VERSION_ACTIONS = ["prompt.created", "prompt.version_saved", "prompt.version_restored"] as const;
export const DELETED_ACTION = "prompt.deleted";

/** What an audit event says a version holds (its content only by hash). */
export type VersionClaim = { version: number; endpointName: string | null; note: string; restoredFrom: number | null; contentSha256: string };

/** A stored version, as compared with its event. */
export type StoredVersion = { version: number; content: unknown; endpointName: string | null; note: string; restoredFrom: number | null };

/**
 * The version and prompt name a version event carries, or null when `after` is not in the shape
 * describeVersion writes. Accepts `after.version` with or without its content.
 */
export function claimOf(after: unknown): { name: string | null; claim: VersionClaim } | null {
  if (!isObject(after) || !isObject(after.version)) return null;
  const v = after.version;
  if (typeof v.version !== "number" || typeof v.contentSha256 !== "string") return null;
  const claim: VersionClaim = {
    version: v.version,
    endpointName: typeof v.endpointName === "string" ? v.endpointName : null,
    note: typeof v.note === "string" ? v.note : "",
    restoredFrom: typeof v.restoredFrom === "number" ? v.restoredFrom : null,
    contentSha256: v.contentSha256,
  };
  return { name: typeof after.name === "string" ? after.name : null, claim };
}

/** The sha256 of a version's content (key order aside), as describeVersion puts it in the audit event. */
export function contentHash(content: unknown): string {
  return crypto.createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/** Which of a stored version's fields differ from what its event says (empty when they agree); `sha256` when already computed. */
export function differencesFrom(claim: VersionClaim, stored: Omit<StoredVersion, "content"> & { sha256: string }): string[] {
  const out: string[] = [];
  if (stored.sha256 !== claim.contentSha256) out.push("content");
  if (stored.endpointName !== claim.endpointName) out.push("endpoint");
  if (stored.note !== claim.note) out.push("note");
  if (stored.restoredFrom !== claim.restoredFrom) out.push("restored-from");
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
