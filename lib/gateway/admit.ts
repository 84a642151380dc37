import type { IncomingMessage } from "node:http";
import type { EndpointKind } from "@/lib/db/generated/enums";
import type { GatewayEndpoint, GatewayVersion } from "./endpoints";
import { modelNotFound, permissionDenied } from "./errors";
import type { Exchange } from "./exchange";
import type { Gateway } from "./gateway";
import { authenticate, type GatewayKey } from "./keys";
import type { TokenLease } from "./limits";

/** Authenticates the caller and attributes the request to its key and tenant. */
export async function authenticateKey(gw: Gateway, ex: Exchange, req: IncomingMessage): Promise<GatewayKey> {
  const key = await authenticate(req, gw.auth);
  ex.tenantId = key.tenantId;
  if (key.userId) {
    ex.userId = key.userId;
  } else {
    ex.apiKeyId = key.id;
    gw.lastUsed.touch(key.id);
  }
  return key;
}

export type Admitted = { key: GatewayKey; endpoint: GatewayEndpoint; versions: GatewayVersion[]; lease: TokenLease };

/**
 * Steps 2 to 4 of the request path for a model call: the key, the endpoint `model` names in the
 * key's own tenant (so another tenant's names are simply unknown), the key's permission, the
 * tenant's budget, then the rate limits, which reserve `estimatedTokens` until the lease is settled.
 */
export async function admit(gw: Gateway, ex: Exchange, req: IncomingMessage, model: string, kind: EndpointKind, estimatedTokens: number): Promise<Admitted> {
  const key = await authenticateKey(gw, ex, req);
  ex.endpointName = model;
  const endpoint = await findEndpoint(gw, ex, key, model);
  if (endpoint.kind !== kind) throw modelNotFound(model, kind === "CHAT" ? "is an embeddings model; it does not support chat completions" : "is a chat model; it does not support embeddings");
  const versions = candidateVersions(endpoint);
  if (versions.length === 0) throw modelNotFound(model, "has no active version");
  ex.modelVersionId = versions[0].id;
  await gw.budget.check(key.tenant);
  const lease = await gw.limits.admit(key, estimatedTokens);
  return { key, endpoint, versions, lease };
}

/** An enabled endpoint of the key's tenant that the key may use: 403 or 404 otherwise. */
export async function findEndpoint(gw: Gateway, ex: Exchange, key: GatewayKey, model: string): Promise<GatewayEndpoint> {
  // Checked before the lookup, so a restricted key learns nothing about names it may not use.
  if (key.allowedEndpoints && !key.allowedEndpoints.has(model)) {
    throw permissionDenied(`This API key is not allowed to use the model \`${model}\`.`);
  }
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
