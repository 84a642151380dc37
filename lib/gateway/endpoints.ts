import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import type { EndpointKind, ProviderKind } from "@/lib/db/generated/enums";
import type { ProviderTarget } from "@/lib/providers/provider";
import { decryptSecret, providerKeyBinding, type MasterKey } from "@/lib/secrets/secrets";
import type { Prices } from "./tokens";
import type { MaybePromise } from "./maybe-promise";
import { TtlCache } from "./ttl-cache";

/** Where a version's requests go, as the providers take it. */
export type GatewayProvider = ProviderTarget;

/** A model version as the gateway forwards to it. */
export type GatewayVersion = {
  id: string;
  label: string;
  providerModel: string;
  params: Record<string, unknown>;
  prices: Prices;
  provider: GatewayProvider;
};

/**
 * A running canary rollout: `weightBp` basis points of the endpoint's callers (by a sticky hash of
 * the key, or of the end user) go to `candidate`, the rest to the active version (route.ts).
 */
export type GatewayRollout = {
  id: string;
  candidate: GatewayVersion;
  weightBp: number;
  stickiness: "KEY" | "USER";
};

/** An endpoint as callers name it in `model`. */
export type GatewayEndpoint = {
  id: string;
  name: string;
  kind: EndpointKind;
  createdAt: Date;
  disabled: boolean;
  activeVersion: GatewayVersion | null;
  /** Versions to try, in order, when the active one fails on the provider's side. */
  fallbackVersions: GatewayVersion[];
  /** Every version that may answer (priced, on the tenant's own provider), by id: what a caller may pin. */
  versions: ReadonlyMap<string, GatewayVersion>;
  /** The running rollout, if any; it changes only through actions that drop this cache entry. */
  rollout: GatewayRollout | null;
};

/** Endpoints by (tenant, name); `forgetTenant` drops all of a tenant's, names cached as unknown included. */
export type EndpointLookup = ((tenantId: string, name: string) => MaybePromise<GatewayEndpoint | null>) & { forgetTenant: (tenantId: string) => void };

/**
 * Endpoints by (tenant, name) through a short-TTL cache. The provider's key is decrypted once per
 * load rather than per request; console changes drop the tenant's entries (invalidation.ts), and
 * the TTL bounds how long a change takes to apply when that message is lost.
 */
export function createEndpointLookup(ttlMs: number, masterKeys: MasterKey[]): EndpointLookup {
  const cache = new TtlCache<GatewayEndpoint | null>(ttlMs);
  const lookup = (tenantId: string, name: string) => cache.get(`${tenantId}\u0000${name}`, () => loadEndpoint(tenantId, name, masterKeys));
  return Object.assign(lookup, { forgetTenant: (tenantId: string) => cache.forget((key) => key.startsWith(`${tenantId}\u0000`)) });
}

const VERSION_SELECT = {
  id: true,
  label: true,
  providerModel: true,
  params: true,
  inputPricePerMTok: true,
  outputPricePerMTok: true,
  priced: true,
  retiredAt: true,
  provider: { select: { id: true, tenantId: true, kind: true, baseUrl: true, apiKeySealed: true } },
} as const;

type VersionRow = Prisma.ModelVersionGetPayload<{ select: typeof VERSION_SELECT }>;

async function loadEndpoint(tenantId: string, name: string, masterKeys: MasterKey[]): Promise<GatewayEndpoint | null> {
  // The endpoint's versions come with it in the same call, and the active version and the
  // fallbacks are picked from them: a list of ids has no relation to join through. An endpoint
  // has a handful of versions, and the result is cached for the TTL.
  const row = await db().endpoint.findUnique({
    where: { tenantId_name: { tenantId, name } },
    select: {
      id: true,
      name: true,
      kind: true,
      createdAt: true,
      disabledAt: true,
      activeVersionId: true,
      fallbackVersionIds: true,
      versions: { where: { tenantId }, select: VERSION_SELECT },
      rollouts: { where: { tenantId, status: "RUNNING" }, take: 1, select: { id: true, candidateVersionId: true, stepsBp: true, stepIndex: true, stickiness: true } },
    },
  });
  if (!row) return null;
  const versions = new Map<string, GatewayVersion>();
  for (const versionRow of row.versions) {
    const v = toVersion(versionRow, tenantId, masterKeys);
    if (v) versions.set(v.id, v);
  }
  const pick = (id: string | null) => (id === null ? null : (versions.get(id) ?? null));
  const activeVersion = pick(row.activeVersionId);
  const fallbackVersions: GatewayVersion[] = [];
  // Ids of versions that are gone, or of the active one, are skipped; the order is kept.
  for (const id of new Set(row.fallbackVersionIds)) {
    const v = id === row.activeVersionId ? null : pick(id);
    if (v) fallbackVersions.push(v);
  }
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    createdAt: row.createdAt,
    disabled: row.disabledAt !== null,
    activeVersion,
    fallbackVersions,
    versions,
    rollout: toRollout(row.rollouts[0], activeVersion, pick),
  };
}

/** A running rollout the route step can apply: its candidate serves, and is not the active version. */
function toRollout(
  r: { id: string; candidateVersionId: string; stepsBp: number[]; stepIndex: number; stickiness: "KEY" | "USER" } | undefined,
  active: GatewayVersion | null,
  pick: (id: string) => GatewayVersion | null,
): GatewayRollout | null {
  const candidate = r ? pick(r.candidateVersionId) : null;
  if (!r || !candidate || !active || candidate.id === active.id) return null;
  const weightBp = Math.min(10_000, Math.max(0, r.stepsBp[r.stepIndex] ?? 0));
  return { id: r.id, candidate, weightBp, stickiness: r.stickiness };
}

/**
 * A version as the gateway forwards to it, or null when it may not answer: its provider is another
 * tenant's, no manager has priced it yet (its calls would escape the budget), or it was retired.
 */
function toVersion(v: VersionRow, tenantId: string, masterKeys: MasterKey[]): GatewayVersion | null {
  if (!v.priced || v.retiredAt !== null) return null;
  // A version whose provider belongs to another tenant would be a data bug; never forward to it.
  if (v.provider.tenantId !== tenantId) return null;
  return {
    id: v.id,
    label: v.label,
    providerModel: v.providerModel,
    params: isPlainObject(v.params) ? v.params : {},
    prices: { inputPerMTok: Number(v.inputPricePerMTok), outputPerMTok: Number(v.outputPricePerMTok) },
    provider: toProvider(v.provider, masterKeys),
  };
}

function toProvider(p: { id: string; tenantId: string; kind: ProviderKind; baseUrl: string | null; apiKeySealed: string | null }, masterKeys: MasterKey[]): GatewayProvider {
  const provider: GatewayProvider = { id: p.id, kind: p.kind, origin: null, basePath: "", apiKey: null, problem: null };
  if (p.kind !== "OPENAI_COMPATIBLE") return provider;
  try {
    const url = new URL(p.baseUrl ?? "");
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
    provider.origin = url.origin;
    provider.basePath = url.pathname.replace(/\/+$/, "");
  } catch {
    provider.problem = "The provider's base URL is not a valid http(s) URL.";
    return provider;
  }
  if (p.apiKeySealed) {
    try {
      // Bound to this tenant's row: a sealed key copied in from elsewhere does not open.
      provider.apiKey = decryptSecret(p.apiKeySealed, providerKeyBinding(p), masterKeys);
    } catch {
      provider.problem = "Keel cannot decrypt the provider's API key (KEEL_MASTER_KEY lacks its key, or the stored value was altered or moved); enter the key again in the console.";
    }
  }
  return provider;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
