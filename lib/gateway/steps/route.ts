import type { GatewayEndpoint, GatewayVersion } from "../endpoints";

/** Which versions answer the request, in the order the call step tries them. */
export type RoutePlan = { versions: GatewayVersion[] };

/**
 * The route step: the active version, then the endpoint's fallbacks, which the call step tries in
 * turn when one fails on the provider's side. Fallbacks stand behind an active version, never in
 * for a missing one. (A canary rollout chooses here between the active and the candidate version.)
 */
export function route(endpoint: GatewayEndpoint): RoutePlan {
  return { versions: reachableVersions(endpoint) };
}

/**
 * Every version route() may choose for this endpoint, whoever calls: admission refuses an endpoint
 * with none, and holds the budget for the most costly of them before the route is chosen.
 */
export function reachableVersions(endpoint: GatewayEndpoint): GatewayVersion[] {
  return endpoint.activeVersion ? [endpoint.activeVersion, ...endpoint.fallbackVersions] : [];
}
