import type { GatewayEndpoint, GatewayVersion } from "../endpoints";
import type { GatewayKey } from "../keys";

/** Which versions answer the request, in the order the call step tries them. */
export type RoutePlan = { versions: GatewayVersion[] };

/**
 * The route step: the active version, then the endpoint's fallbacks, which the call step tries in
 * turn when one fails on the provider's side. Fallbacks stand behind an active version, never in
 * for a missing one. (A canary rollout chooses here between the active and the candidate version.)
 */
export function route(endpoint: GatewayEndpoint, caller: Pick<GatewayKey, "pinnedVersionId">): RoutePlan {
  return { versions: reachableVersions(endpoint, caller) };
}

/**
 * Every version route() may choose for this caller: admission refuses an endpoint with none, and
 * holds the budget for the most costly of them before the route is chosen. A caller that pinned a
 * version (the console's playground) gets that version alone, with no fallbacks standing in: the
 * point of pinning is to see what that version answers.
 */
export function reachableVersions(endpoint: GatewayEndpoint, caller: Pick<GatewayKey, "pinnedVersionId">): GatewayVersion[] {
  if (caller.pinnedVersionId !== undefined) {
    const pinned = endpoint.versions.get(caller.pinnedVersionId);
    return pinned ? [pinned] : [];
  }
  return endpoint.activeVersion ? [endpoint.activeVersion, ...endpoint.fallbackVersions] : [];
}
