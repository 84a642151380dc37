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

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
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
