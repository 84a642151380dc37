import crypto from "node:crypto";
import { parseAuditKeys } from "./signer";

/**
 * One canonical form of a request record, used to write its MAC, to build a seal's Merkle leaves
 * and to verify both. Every column except `insertedAt` (the database's clock, set on insert) and
 * `mac`, in this fixed order, with values as PostgreSQL returns them: `costUsd` as numeric(14,8)
 * text ("0.00012300"), `createdAt` as an ISO time in milliseconds (its column keeps 3 digits).
 */
export const RECORD_FIELDS = [
  "id", "tenantId", "apiKeyId", "userId", "endpointId", "endpointName", "modelVersionId", "route", "stream",
  "inputHash", "inputTokens", "outputTokens", "tokensEstimated", "costUsd", "latencyMs", "ttftMs", "status",
  "errorCode", "attempts", "createdAt", "finishReason", "routedVersionId", "endUser",
] as const;

/** A record with every canonical field present and in its stored form. */
export type CanonicalRecord = {
  id: string;
  tenantId: string;
  apiKeyId: string | null;
  userId: string | null;
  endpointId: string | null;
  endpointName: string | null;
  modelVersionId: string | null;
  route: string;
  stream: boolean;
  inputHash: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  costUsd: string;
  latencyMs: number;
  ttftMs: number | null;
  status: number;
  errorCode: string | null;
  attempts: number;
  /** ISO 8601 with milliseconds, as Date.prototype.toISOString gives it. */
  createdAt: string;
  /** Absent or null in records written before Keel kept it (and in any without an answer). */
  finishReason?: string | null;
  /** Absent or null unless a version other than the one the route step chose answered (or none did). */
  routedVersionId?: string | null;
  /** Absent or null unless the request named its end user (the `user` field). */
  endUser?: string | null;
};

const FIXED_8 = /^-?\d+\.\d{8}$/;

/** A cost as numeric(14,8) prints it: eight decimals, no negative zero. */
export function costText(value: unknown): string {
  if (value === null || value === undefined) return "0.00000000";
  const text = typeof value === "string" && FIXED_8.test(value) ? value : Number(String(value)).toFixed(8);
  if (!FIXED_8.test(text)) throw new Error(`costUsd ${String(value)} is not a number numeric(14,8) can hold`);
  return /^-0\.0{8}$/.test(text) ? "0.00000000" : text;
}

/** How many characters a canonical string's form tag ("rr1" to "rr4") takes before its JSON array. */
export const CANONICAL_TAG_LENGTH = 3;

/**
 * The canonical string: a version tag and a JSON array of the fields in RECORD_FIELDS order. A
 * record without a finish reason keeps the first form ("rr1", the fields before it), so records
 * written before Keel kept one verify as they always did; one with it is "rr2"; one whose routed
 * version differs from the answering one is "rr3", with both later fields (the finish reason may be
 * null there); one that names its end user is "rr4", with all three later fields. Clearing a stored
 * finish reason, routed version or end user changes the form, and so breaks the MAC, as changing any
 * other field does.
 */
export function canonicalRecord(r: CanonicalRecord): string {
  const fields: unknown[] = [
    r.id, r.tenantId, r.apiKeyId, r.userId, r.endpointId, r.endpointName, r.modelVersionId, r.route, r.stream,
    r.inputHash, r.inputTokens, r.outputTokens, r.tokensEstimated, r.costUsd, r.latencyMs, r.ttftMs, r.status,
    r.errorCode, r.attempts, r.createdAt,
  ];
  if (r.endUser != null) return "rr4" + JSON.stringify([...fields, r.finishReason ?? null, r.routedVersionId ?? null, r.endUser]);
  if (r.routedVersionId != null) return "rr3" + JSON.stringify([...fields, r.finishReason ?? null, r.routedVersionId]);
  if (r.finishReason == null) return "rr1" + JSON.stringify(fields);
  fields.push(r.finishReason);
  return "rr2" + JSON.stringify(fields);
}

/**
 * An HMAC key for request records; its id is the signing key's, so a rotation keeps old MACs
 * checkable. A Buffer, not a KeyObject: createHmac with a KeyObject cost 1.5x as much (measured).
 */
export type MacKey = { id: string; key: Buffer };

const MAC_INFO = "keel request-record mac";

/**
 * MAC keys derived from the signing key spec: HKDF-SHA256 of each Ed25519 seed, for one purpose
 * (`info`: request records unless said). The first writes, all verify.
 */
export function deriveMacKeys(signingKeySpec: string, info = MAC_INFO): MacKey[] {
  return parseAuditKeys(signingKeySpec).map((k) => ({
    id: k.id,
    key: Buffer.from(crypto.hkdfSync("sha256", k.seed, Buffer.alloc(0), info, 32)),
  }));
}

/** `keyId:hex(HMAC-SHA256(key, canonical))`. */
export function recordMac(key: MacKey, canonical: string): string {
  return `${key.id}:${crypto.createHmac("sha256", key.key).update(canonical).digest("hex")}`;
}

export type MacCheck = "ok" | "missing" | "unknown-key" | "mismatch";

/** Checks a stored MAC against the record's canonical string, in constant time. */
export function checkRecordMac(keys: MacKey[], canonical: string, mac: string | null): MacCheck {
  if (!mac) return "missing";
  const sep = mac.indexOf(":");
  const key = keys.find((k) => k.id === mac.slice(0, sep));
  if (sep < 1 || !key) return "unknown-key";
  const expected = Buffer.from(recordMac(key, canonical));
  const actual = Buffer.from(mac);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? "ok" : "mismatch";
}

/**
 * A Merkle leaf: SHA-256(0x00 ‖ canonical string), as RFC 6962 hashes its leaves ("\0" is the one
 * byte 0x00 in UTF-8). One-shot crypto.hash: a Hash object per call cost three times as much (measured).
 */
export function recordLeaf(canonical: string): Buffer {
  return crypto.hash("sha256", "\0" + canonical, "buffer");
}

/**
 * RFC 6962 Merkle tree hash over leaves in order: for n > 1 leaves, split at the largest power of
 * two k < n and hash SHA-256(0x01 ‖ MTH(first k) ‖ MTH(rest)). No leaf is duplicated, so no two
 * different lists share a root (the duplicate-last construction allows that).
 */
export function merkleRoot(leaves: Buffer[]): string {
  if (leaves.length === 0) throw new Error("merkleRoot: no leaves");
  const node = Buffer.alloc(65);
  node[0] = 1;
  return subtree(leaves, 0, leaves.length, node).toString("hex");
}

function subtree(leaves: Buffer[], lo: number, hi: number, node: Buffer): Buffer {
  const n = hi - lo;
  if (n === 1) return leaves[lo];
  let k = 1;
  while (k * 2 < n) k *= 2;
  const left = subtree(leaves, lo, lo + k, node);
  const right = subtree(leaves, lo + k, hi, node);
  left.copy(node, 1);
  right.copy(node, 33);
  return crypto.hash("sha256", node, "buffer");
}
