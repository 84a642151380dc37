import type { IncomingMessage } from "node:http";
import { db } from "@/lib/db/client";
import { API_KEY_PREFIX, hashApiKey } from "@/lib/keys/secret";
import { clientAddress } from "@/lib/net/client-address";
import { CONSOLE_TOKEN_PREFIX, readConsoleToken } from "./console-token";
import { GatewayError, invalidApiKey, permissionDenied } from "./errors";
import type { KeyThrottle } from "./key-throttle";
import { andThen, attempt, type MaybePromise } from "./maybe-promise";
import { TtlCache } from "./ttl-cache";

/**
 * Who is calling, as the hot path needs it: an API key and its tenant, read once per cache TTL, or
 * a console user holding a console token (`userId` set, `id` = "user:<tenant id>:<user id>" for the
 * limiters: a person's calls in one tenant never count against them in another).
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
  /** The key's own monthly limit in USD when it refuses calls past it (budget mode HARD); null or absent otherwise. */
  monthlyBudgetUsd?: number | null;
  tenant: GatewayTenant;
  /** The one version this caller asked for (a console token from the playground); unset means what the endpoint routes to. */
  pinnedVersionId?: string;
};

export type GatewayTenant = {
  id: string;
  slug: string;
  suspended: boolean;
  monthlyBudgetUsd: number | null;
  /** Days a request's redacted prompt and response are kept; null or absent (the default) keeps only the input's hash. */
  contentRetentionDays?: number | null;
};

const TENANT_SELECT = { id: true, slug: true, status: true, monthlyBudgetUsd: true, contentRetentionDays: true } as const;

function toTenant(row: {
  id: string;
  slug: string;
  status: string;
  monthlyBudgetUsd: { toString(): string } | null;
  contentRetentionDays: number | null;
}): GatewayTenant {
  return {
    id: row.id,
    slug: row.slug,
    suspended: row.status !== "ACTIVE",
    monthlyBudgetUsd: row.monthlyBudgetUsd === null ? null : Number(row.monthlyBudgetUsd),
    contentRetentionDays: row.contentRetentionDays,
  };
}

/** Tenants by id; `forget` drops one when it changes (suspended, resumed, a new budget or content retention). */
export type TenantLookup = ((tenantId: string) => MaybePromise<GatewayTenant | null>) & { forget: (tenantId: string) => void };

/** Tenants by id through a short-TTL cache, for console callers (API keys bring theirs along). */
export function createTenantLookup(ttlMs: number): TenantLookup {
  const cache = new TtlCache<GatewayTenant | null>(ttlMs);
  const lookup = (tenantId: string) =>
    cache.get(tenantId, async () => {
      const row = await db().tenant.findUnique({ where: { id: tenantId }, select: TENANT_SELECT });
      return row ? toTenant(row) : null;
    });
  return Object.assign(lookup, { forget: (tenantId: string) => cache.forget((id) => id === tenantId) });
}

const NO_SUCH_KEY = Symbol("no such key");
const MAX_UNKNOWN_HASHES = 1_000;
const MAX_REAL_HASHES = 10_000;
/** How long a key this instance has found in the database stays known to the throttle. */
const REAL_KEY_MEMORY_MS = 24 * 60 * 60 * 1000;

/**
 * Keys by the hash of their secret; `isReal` tells, without a lookup, whether a hash was lately
 * found to be a key; `forget` drops the cached keys `match` picks (by id or tenant: a change names
 * the key's id, never its secret).
 */
export type KeyLookup = ((secretHash: string) => MaybePromise<GatewayKey | null>) & {
  isReal: (secretHash: string) => boolean;
  forget: (match: (key: GatewayKey) => boolean) => void;
};

/**
 * Looks keys up by the hash of their secret through a short-TTL cache. Hashes that match no key
 * are remembered for the TTL too, but apart and fewer: made-up keys, however many, push out only
 * each other, never the keys real callers use. Hashes that did match a key are remembered for a
 * day, so that an address throttled for wrong keys still gets its real ones looked up.
 */
export function createKeyLookup(ttlMs: number): KeyLookup {
  const known = new TtlCache<GatewayKey>(ttlMs);
  const unknown = new Map<string, number>();
  const real = new Map<string, number>();
  const load = async (secretHash: string) => {
    const key = await loadKey(secretHash);
    if (!key) throw NO_SUCH_KEY;
    remember(real, MAX_REAL_HASHES, secretHash, Date.now() + REAL_KEY_MEMORY_MS);
    return key;
  };
  const lookup = (secretHash: string): MaybePromise<GatewayKey | null> => {
    const until = unknown.get(secretHash);
    if (until !== undefined && until > Date.now()) return null;
    const found = known.get(secretHash, () => load(secretHash));
    if (!(found instanceof Promise)) return found;
    return found.catch((error: unknown) => {
      if (error !== NO_SUCH_KEY) throw error;
      if (ttlMs > 0) remember(unknown, MAX_UNKNOWN_HASHES, secretHash, Date.now() + ttlMs);
      return null;
    });
  };
  // Hashes remembered as no key need no forgetting: a new key's secret is one nobody has sent before.
  return Object.assign(lookup, {
    isReal: (secretHash: string) => (real.get(secretHash) ?? 0) > Date.now(),
    forget: (match: (key: GatewayKey) => boolean) => known.forget((_hash, key) => match(key)),
  });
}

function remember(hashes: Map<string, number>, max: number, secretHash: string, until: number) {
  if (hashes.size >= max) {
    const now = Date.now();
    for (const [hash, expires] of hashes) if (expires <= now) hashes.delete(hash);
    // Still full of live entries: the oldest half goes.
    let drop = hashes.size >= max ? hashes.size / 2 : 0;
    for (const hash of hashes.keys()) {
      if (drop-- <= 0) break;
      hashes.delete(hash);
    }
  }
  hashes.delete(secretHash);
  hashes.set(secretHash, until);
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
      monthlyBudgetUsd: true,
      budgetMode: true,
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
    monthlyBudgetUsd: row.budgetMode === "HARD" && row.monthlyBudgetUsd !== null ? Number(row.monthlyBudgetUsd) : null,
    tenant: toTenant(row.tenant),
  };
}

/** Requests per minute a console user may send through the "try it" panel, per tenant. */
export const CONSOLE_RPM = 30;
/** Requests per minute a console user's evaluation runs may send, per tenant (the tenant's own limits still apply). */
export const EVAL_RPM = 600;

export type Authenticators = {
  lookupKey: KeyLookup;
  lookupTenant: TenantLookup;
  consoleSecret: string | null;
};

/**
 * The caller behind `Authorization: Bearer keel_...` (or a console token), from the headers alone:
 * 401 when missing, unknown, revoked or expired; 403 for a suspended tenant; 429 when the caller's
 * address has sent too many wrong keys lately (console tokens, minted by Keel, are not counted).
 * A throttled address still gets keys this instance has lately found real: many callers may share
 * one address (a NAT, a proxy Keel does not trust), and one of them guessing must not shut out
 * the others' keys, whatever their tenant.
 */
export function authenticate(req: IncomingMessage, auth: Authenticators, throttle: KeyThrottle): MaybePromise<GatewayKey> {
  return attempt(() => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (!match) throw invalidApiKey("You didn't provide an API key. Send it in the Authorization header: `Authorization: Bearer keel_...`.");
    const secret = match[1];
    if (secret.startsWith(CONSOLE_TOKEN_PREFIX)) return authenticateConsole(secret, auth);
    const address = clientAddress(req);
    const key = authenticateApiKey(secret, auth, () => throttle.check(address));
    if (!(key instanceof Promise)) return key;
    return key.catch((error: unknown) => {
      if (error instanceof GatewayError && error.status === 401) throttle.fail(address);
      throw error;
    });
  });
}

/** A cached key is checked at once; only a key to look up makes a promise. Failures are rejections. */
function authenticateApiKey(secret: string, auth: Authenticators, checkThrottle: () => void): MaybePromise<GatewayKey> {
  return attempt(() => {
    const hash = secret.startsWith(API_KEY_PREFIX) && secret.length <= 256 ? hashApiKey(secret) : null;
    if (!hash || !auth.lookupKey.isReal(hash)) checkThrottle();
    // Not a Keel key at all: answer without touching the cache, so junk cannot fill it.
    if (!hash) throw invalidApiKey("Incorrect API key provided.");
    return andThen(auth.lookupKey(hash), usableKey);
  });
}

function usableKey(key: GatewayKey | null): GatewayKey {
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
  const evaluation = claims.purpose === "eval";
  return {
    id: `user:${tenant.id}:${claims.userId}${evaluation ? ":eval" : ""}`,
    tenantId: tenant.id,
    userId: claims.userId,
    allowedEndpoints: null,
    requestsPerMinute: evaluation ? EVAL_RPM : CONSOLE_RPM,
    tokensPerMinute: null,
    expiresAt: null,
    revoked: false,
    tenant,
    ...(claims.versionId ? { pinnedVersionId: claims.versionId } : {}),
  };
}
