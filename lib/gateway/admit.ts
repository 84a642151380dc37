import type { IncomingMessage } from "node:http";
import type { EndpointKind } from "@/lib/db/generated/enums";
import type { BudgetLease } from "./budget";
import type { GatewayEndpoint, GatewayVersion } from "./endpoints";
import { modelNotFound } from "./errors";
import type { Exchange } from "./exchange";
import type { Gateway } from "./gateway";
import { authenticate, type GatewayKey } from "./keys";
import type { TokenLease } from "./limits";
import { costUsd, limiterTokens, reservedUsage, type Usage, type UsageEstimate } from "./tokens";

/**
 * The first half of admission, from the headers alone: who is calling. It runs before the body is
 * read, so a caller without a valid key never makes Keel parse or hash what it sent; failed
 * lookups count against the caller's address. Nothing is attributed to the tenant yet (see attribute()).
 */
export function authenticateCaller(gw: Gateway, req: IncomingMessage): Promise<GatewayKey> {
  return authenticate(req, gw.auth, gw.limits.failedKeys);
}

/** Attributes the request to the key and its tenant, so that it is recorded under them. */
export function attribute(gw: Gateway, ex: Exchange, key: GatewayKey): void {
  ex.tenantId = key.tenantId;
  if (key.userId) {
    ex.userId = key.userId;
  } else {
    ex.apiKeyId = key.id;
    gw.lastUsed.touch(key.id);
  }
}

/** Authenticates and attributes at once, for requests without a body (GET /models). */
export async function authenticateKey(gw: Gateway, ex: Exchange, req: IncomingMessage): Promise<GatewayKey> {
  const key = await authenticateCaller(gw, req);
  attribute(gw, ex, key);
  return key;
}

/**
 * What admission holds until the request ends: the budget's reservation and the rate limiter's
 * tokens. `settle` gives both back against the real usage and cost; it runs once, however often it
 * is called, so callers settle it in a `finally` and every path (errors, a client gone, a stream
 * cut) ends the lease.
 */
export type RequestLease = { settle: (usage: Usage, costUsd: number) => void };

export type Admitted = { endpoint: GatewayEndpoint; versions: GatewayVersion[]; lease: RequestLease };

/**
 * The second half of admission, once the body is parsed: the request is attributed to the key's
 * tenant, `model` names an endpoint of that tenant that the key may use (another tenant's names are
 * simply unknown), the budget holds the most the request may cost on any version it may be routed
 * to, and the rate limits reserve its tokens. `estimate` sizes the request as one version would
 * receive it (its params are defaults under the caller's body).
 */
export async function admit(
  gw: Gateway,
  ex: Exchange,
  key: GatewayKey,
  model: string,
  kind: EndpointKind,
  estimate: (version: GatewayVersion) => UsageEstimate,
): Promise<Admitted> {
  attribute(gw, ex, key);
  ex.endpointName = model;
  const endpoint = await findEndpoint(gw, ex, key, model);
  if (endpoint.kind !== kind) throw modelNotFound(model, kind === "CHAT" ? "is an embeddings model; it does not support chat completions" : "is a chat model; it does not support embeddings");
  const versions = candidateVersions(endpoint);
  if (versions.length === 0) throw modelNotFound(model, "has no active version");
  ex.modelVersionId = versions[0].id;
  const estimates = versions.map(estimate);
  const budget = await gw.budget.reserve(key.tenant, mostCostly(versions, estimates));
  let tokens: TokenLease;
  try {
    tokens = await gw.limits.admit(key, Math.max(...estimates.map(limiterTokens)));
  } catch (error) {
    budget.settle(0);
    throw error;
  }
  return { endpoint, versions, lease: requestLease(budget, tokens) };
}

function requestLease(budget: BudgetLease, tokens: TokenLease): RequestLease {
  let settled = false;
  return {
    settle: (usage, cost) => {
      if (settled) return;
      settled = true;
      tokens.settle(usage.inputTokens + usage.outputTokens);
      budget.settle(cost);
    },
  };
}

/** A fallback may cost more than the active version: hold the most any candidate could cost. */
function mostCostly(versions: GatewayVersion[], estimates: UsageEstimate[]): number {
  let most = 0;
  versions.forEach((v, i) => (most = Math.max(most, costUsd(reservedUsage(estimates[i]), v.prices))));
  return most;
}

/**
 * An enabled endpoint of the key's tenant that the key may use, else 404. A name outside the key's
 * scope gets the very answer an unknown name gets, as OpenAI answers (the official client raises
 * NotFoundError for both), and is checked before the lookup, so a restricted key learns nothing
 * about the names it may not use.
 */
export async function findEndpoint(gw: Gateway, ex: Exchange, key: GatewayKey, model: string): Promise<GatewayEndpoint> {
  if (key.allowedEndpoints && !key.allowedEndpoints.has(model)) throw modelNotFound(model);
  const endpoint = await gw.lookupEndpoint(key.tenantId, model);
  if (!endpoint) throw modelNotFound(model);
  ex.endpointId = endpoint.id;
  if (endpoint.disabled) throw modelNotFound(model, "is disabled");
  return endpoint;
}

/**
 * The versions to try, in order: the active version, then the endpoint's fallbacks, which
 * forward() tries in turn when one fails on the provider's side. Fallbacks stand behind an
 * active version, never in for a missing one.
 */
function candidateVersions(endpoint: GatewayEndpoint): GatewayVersion[] {
  return endpoint.activeVersion ? [endpoint.activeVersion, ...endpoint.fallbackVersions] : [];
}
