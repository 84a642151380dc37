import crypto from "node:crypto";

/** The hash a tenant's first event links to. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields an event's hash covers, in the form they are read back from the database. */
export type ChainedContent = {
  tenantId: string;
  seq: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  createdAt: Date;
};

/**
 * JSON with object keys sorted at every depth, so the same content always hashes the same.
 * Built in one pass, sorting keys only when they are out of order: the gateway hashes every
 * request body with it, and the entries/sort/map/join version cost more than the hash (measured).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return out + "]";
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!inOrder(keys)) keys.sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(v);
    first = false;
  }
  return out + "}";
}

function inOrder(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/** sha256 over the previous event's hash and this event's canonical content. */
export function chainHash(prevHash: string, content: ChainedContent): string {
  return crypto
    .createHash("sha256")
    .update(prevHash)
    .update("\n")
    .update(canonicalJson(pickContent(content)))
    .digest("hex");
}

const FIELDS = [
  "tenantId", "seq", "actorType", "actorId", "actorLabel", "action", "resourceType", "resourceId",
  "before", "after", "ip", "userAgent", "requestId", "createdAt",
] as const satisfies readonly (keyof ChainedContent)[];

/** Exactly the hashed fields, so a row read back with its id and hashes hashes the same. */
function pickContent(content: ChainedContent): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((f) => [f, f === "createdAt" ? content.createdAt.toISOString() : (content[f] ?? null)]));
}

/** Makes a value plain JSON (dates to strings, undefined dropped) before it is stored and hashed. */
export function toPlainJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
