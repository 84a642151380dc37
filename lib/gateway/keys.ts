import type { IncomingMessage } from "node:http";
import { db } from "@/lib/db/client";
import { API_KEY_PREFIX, hashApiKey } from "@/lib/keys/secret";
import { invalidApiKey, permissionDenied } from "./errors";
import { TtlCache } from "./ttl-cache";

/** What the hot path needs of an API key and its tenant, read once per cache TTL. */
export type GatewayKey = {
  id: string;
  tenantId: string;
  /** Endpoint names the key may call; null means all of the tenant's. */
  allowedEndpoints: ReadonlySet<string> | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: number | null;
  revoked: boolean;
  tenant: { id: string; slug: string; suspended: boolean; monthlyBudgetUsd: number | null };
};

/** Looks keys up by the hash of their secret through a short-TTL cache (unknown hashes included). */
export function createKeyLookup(ttlMs: number): (secretHash: string) => Promise<GatewayKey | null> {
  const cache = new TtlCache<GatewayKey | null>(ttlMs);
  return (secretHash) => cache.get(secretHash, () => loadKey(secretHash));
}

async function loadKey(secretHash: string): Promise<GatewayKey | null> {
  const row = await db().apiKey.findUnique({
    where: { secretHash },
    select: {
      id: true,
      tenantId: true,
      allowedEndpoints: true,
      requestsPerMinute: true,
      tokensPerMinute: true,
      expiresAt: true,
      revokedAt: true,
      tenant: { select: { id: true, slug: true, status: true, monthlyBudgetUsd: true } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenantId,
    allowedEndpoints: row.allowedEndpoints.length ? new Set(row.allowedEndpoints) : null,
    requestsPerMinute: row.requestsPerMinute,
    tokensPerMinute: row.tokensPerMinute,
    expiresAt: row.expiresAt?.getTime() ?? null,
    revoked: row.revokedAt !== null,
    tenant: {
      id: row.tenant.id,
      slug: row.tenant.slug,
      suspended: row.tenant.status !== "ACTIVE",
      monthlyBudgetUsd: row.tenant.monthlyBudgetUsd === null ? null : Number(row.tenant.monthlyBudgetUsd),
    },
  };
}

/** The key behind `Authorization: Bearer keel_...`: 401 when missing, unknown, revoked or expired; 403 for a suspended tenant. */
export async function authenticate(req: IncomingMessage, lookup: (secretHash: string) => Promise<GatewayKey | null>): Promise<GatewayKey> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  if (!match) throw invalidApiKey("You didn't provide an API key. Send it in the Authorization header: `Authorization: Bearer keel_...`.");
  const secret = match[1];
  // Not a Keel key at all: answer without touching the cache, so junk cannot fill it.
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 256) throw invalidApiKey("Incorrect API key provided.");
  const key = await lookup(hashApiKey(secret));
  if (!key) throw invalidApiKey("Incorrect API key provided.");
  if (key.revoked) throw invalidApiKey("This API key has been revoked.");
  if (key.expiresAt !== null && key.expiresAt <= Date.now()) throw invalidApiKey("This API key has expired.");
  if (key.tenant.suspended) throw permissionDenied("This API key's tenant is suspended.", "tenant_suspended");
  return key;
}
