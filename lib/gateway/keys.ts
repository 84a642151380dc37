import type { IncomingMessage } from "node:http";
import { db } from "@/lib/db/client";
import { API_KEY_PREFIX, hashApiKey } from "@/lib/keys/secret";
import { CONSOLE_TOKEN_PREFIX, readConsoleToken } from "./console-token";
import { invalidApiKey, permissionDenied } from "./errors";
import { TtlCache } from "./ttl-cache";

/**
 * Who is calling, as the hot path needs it: an API key and its tenant, read once per cache TTL, or
 * a console user holding a console token (`userId` set, `id` = "user:<id>" for the limiters).
 */
export type GatewayKey = {
  id: string;
  tenantId: string;
  userId: string | null;
  /** Endpoint names the key may call; null means all of the tenant's. */
  allowedEndpoints: ReadonlySet<string> | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: number | null;
  revoked: boolean;
  tenant: GatewayTenant;
};

export type GatewayTenant = { id: string; slug: string; suspended: boolean; monthlyBudgetUsd: number | null };

const TENANT_SELECT = { id: true, slug: true, status: true, monthlyBudgetUsd: true } as const;

function toTenant(row: { id: string; slug: string; status: string; monthlyBudgetUsd: { toString(): string } | null }): GatewayTenant {
  return {
    id: row.id,
    slug: row.slug,
    suspended: row.status !== "ACTIVE",
    monthlyBudgetUsd: row.monthlyBudgetUsd === null ? null : Number(row.monthlyBudgetUsd),
  };
}

/** Tenants by id through a short-TTL cache, for console callers (API keys bring theirs along). */
export function createTenantLookup(ttlMs: number): (tenantId: string) => Promise<GatewayTenant | null> {
  const cache = new TtlCache<GatewayTenant | null>(ttlMs);
  return (tenantId) =>
    cache.get(tenantId, async () => {
      const row = await db().tenant.findUnique({ where: { id: tenantId }, select: TENANT_SELECT });
      return row ? toTenant(row) : null;
    });
}

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
      tenant: { select: TENANT_SELECT },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenantId,
    userId: null,
    allowedEndpoints: row.allowedEndpoints.length ? new Set(row.allowedEndpoints) : null,
    requestsPerMinute: row.requestsPerMinute,
    tokensPerMinute: row.tokensPerMinute,
    expiresAt: row.expiresAt?.getTime() ?? null,
    revoked: row.revokedAt !== null,
    tenant: toTenant(row.tenant),
  };
}

/** Requests per minute a console user may send through the "try it" panel, per tenant. */
export const CONSOLE_RPM = 30;

export type Authenticators = {
  lookupKey: (secretHash: string) => Promise<GatewayKey | null>;
  lookupTenant: (tenantId: string) => Promise<GatewayTenant | null>;
  consoleSecret: string | null;
};

/**
 * The caller behind `Authorization: Bearer keel_...` (or a console token): 401 when missing,
 * unknown, revoked or expired; 403 for a suspended tenant.
 */
export async function authenticate(req: IncomingMessage, auth: Authenticators): Promise<GatewayKey> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  if (!match) throw invalidApiKey("You didn't provide an API key. Send it in the Authorization header: `Authorization: Bearer keel_...`.");
  const secret = match[1];
  if (secret.startsWith(CONSOLE_TOKEN_PREFIX)) return authenticateConsole(secret, auth);
  // Not a Keel key at all: answer without touching the cache, so junk cannot fill it.
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 256) throw invalidApiKey("Incorrect API key provided.");
  const key = await auth.lookupKey(hashApiKey(secret));
  if (!key) throw invalidApiKey("Incorrect API key provided.");
  if (key.revoked) throw invalidApiKey("This API key has been revoked.");
  if (key.expiresAt !== null && key.expiresAt <= Date.now()) throw invalidApiKey("This API key has expired.");
  if (key.tenant.suspended) throw permissionDenied("This API key's tenant is suspended.", "tenant_suspended");
  return key;
}

async function authenticateConsole(token: string, auth: Authenticators): Promise<GatewayKey> {
  const claims = auth.consoleSecret ? readConsoleToken(token, auth.consoleSecret) : null;
  if (!claims) throw invalidApiKey("The console token is invalid or has expired.");
  const tenant = await auth.lookupTenant(claims.tenantId);
  if (!tenant) throw invalidApiKey("The console token is invalid or has expired.");
  if (tenant.suspended) throw permissionDenied("This tenant is suspended.", "tenant_suspended");
  return {
    id: `user:${claims.userId}`,
    tenantId: tenant.id,
    userId: claims.userId,
    allowedEndpoints: null,
    requestsPerMinute: CONSOLE_RPM,
    tokensPerMinute: null,
    expiresAt: null,
    revoked: false,
    tenant,
  };
}
