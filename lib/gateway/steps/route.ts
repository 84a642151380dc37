import type { GatewayEndpoint, GatewayRollout, GatewayVersion } from "../endpoints";
import type { GatewayKey } from "../keys";

/**
 * Which versions answer the request, in the order the call step tries them, and the rollout arm it
 * fell in when the endpoint has a running rollout.
 */
export type RoutePlan = { versions: GatewayVersion[]; arm: "baseline" | "candidate" | null };

/** Who the route step keeps on one side of a rollout: the key, and the end user it names if any. */
export type RouteCaller = Pick<GatewayKey, "id" | "pinnedVersionId">;

/**
 * The route step: the active version, then the endpoint's fallbacks, which the call step tries in
 * turn when one fails on the provider's side. Fallbacks stand behind an active version, never in
 * for a missing one. During a rollout, a sticky share of callers gets the candidate instead of the
 * active version, with the same fallbacks behind it. A stream changes nothing here: the version is
 * chosen before the provider is called.
 *
 * `user` is the request's `user` field, which a USER-sticky rollout keeps on one side (a request
 * without one is kept by its key). Pure and cheap: one hash of a short string, no I/O.
 */
export function route(endpoint: GatewayEndpoint, caller: RouteCaller, user: string | undefined): RoutePlan {
  const rollout = caller.pinnedVersionId === undefined ? endpoint.rollout : null;
  if (!rollout || !endpoint.activeVersion) return { versions: reachableVersions(endpoint, caller), arm: null };
  const candidate = inCandidateShare(rollout, caller.id, user);
  const first = candidate ? rollout.candidate : endpoint.activeVersion;
  // The candidate is never a fallback of the baseline: it serves its weighted share and no more.
  const behind = endpoint.fallbackVersions.filter((v) => v.id !== rollout.candidate.id && v.id !== first.id);
  return { versions: [first, ...behind], arm: candidate ? "candidate" : "baseline" };
}

/**
 * Whether this caller is in the candidate's share: a hash of the rollout and the caller's sticky id
 * to a bucket in 0–9,999, below the weight. A caller in the share at 1 % stays in it at 10 %, since
 * steps only raise the weight, and a new rollout draws a new set of callers.
 */
export function inCandidateShare(rollout: Pick<GatewayRollout, "id" | "weightBp" | "stickiness">, keyId: string, user: string | undefined): boolean {
  if (rollout.weightBp <= 0) return false;
  if (rollout.weightBp >= 10_000) return true;
  // The first 256 characters: a caller cannot make the hash cost more than that.
  const sticky = rollout.stickiness === "USER" && user ? `u:${user.slice(0, 256)}` : `k:${keyId}`;
  return bucketOf(`${rollout.id}\u0000${sticky}`) < rollout.weightBp;
}

/** FNV-1a (32-bit) of the string's UTF-16 code units, to 0–9,999. */
export function bucketOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche (murmur3's fmix32), so that strings differing in their last characters spread.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 10_000;
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
  if (!endpoint.activeVersion) return [];
  const versions = [endpoint.activeVersion, ...endpoint.fallbackVersions];
  const candidate = endpoint.rollout?.candidate;
  return candidate && !versions.includes(candidate) ? [...versions, candidate] : versions;
}
