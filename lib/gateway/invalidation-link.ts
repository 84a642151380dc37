import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { EndpointLookup } from "./endpoints";
import { onInvalidation, parseInvalidation, type Invalidation } from "./invalidation";
import type { KeyLookup, TenantLookup } from "./keys";
import type { PromptLookup } from "./prompt-lookup";

/** The caches a console change can make stale. */
export type InvalidatedCaches = { lookupKey: KeyLookup; lookupTenant: TenantLookup; lookupEndpoint: EndpointLookup; lookupPrompt: PromptLookup };

/** A gateway's link to changes: `ready` once Redis delivers them to it (at once without Redis); `close` lets go. */
export type InvalidationLink = { ready: (timeoutMs: number) => Promise<void>; close: () => Promise<void> };

/** The Redis channel changes travel on, under the prefix of Keel's other keys in Redis. */
export const invalidationChannel = (redisPrefix: string) => `${redisPrefix}:invalidate`;

/** Drops what `change` may have made stale; the next request reads it from the database. */
export function forgetChanged(caches: InvalidatedCaches, change: Invalidation): void {
  switch (change.kind) {
    case "key":
      caches.lookupKey.forget((key) => key.id === change.keyId);
      return;
    case "tenant":
      caches.lookupKey.forget((key) => key.tenantId === change.tenantId);
      caches.lookupTenant.forget(change.tenantId);
      caches.lookupEndpoint.forgetTenant(change.tenantId);
      return;
    case "endpoint":
    case "provider":
      // All of the tenant's endpoints go, a handful: that covers a rename, a name cached as
      // unknown, and every endpoint using a provider, without knowing any names.
      caches.lookupEndpoint.forgetTenant(change.tenantId);
      return;
    case "prompt":
      caches.lookupPrompt.forget(change.tenantId, change.name);
      return;
  }
}

/**
 * Joins a gateway to the changes published in this process, which it applies at once. With Redis,
 * it also relays them on `channel` and applies what every instance relays there, its own echoes
 * included (dropping an entry twice is harmless). Without Redis, or while it is down, other
 * instances see a change when their cache's TTL runs out.
 */
export function linkInvalidations(caches: InvalidatedCaches, redis: Redis | null, channel: string): InvalidationLink {
  const apply = (change: Invalidation) => forgetChanged(caches, change);
  const subscriber = redis ? subscribe(redis, channel, apply) : null;
  const relay = redis ? relayTo(redis, channel) : null;
  const leave = onInvalidation((change) => {
    apply(change);
    relay?.(change);
  });
  return {
    ready: (timeoutMs) => subscriber?.ready(timeoutMs) ?? Promise.resolve(),
    close: async () => {
      leave();
      subscriber?.close();
    },
  };
}

function relayTo(redis: Redis, channel: string): (change: Invalidation) => void {
  let warned = false;
  return (change) => {
    // The publishing connection has no offline queue: with Redis down this fails at once, and the
    // console's action, which is already committed, goes on.
    redis.publish(channel, JSON.stringify(change)).then(
      () => (warned = false),
      (error: Error) => {
        if (!warned) console.error(`[gateway] could not announce a change on Redis (${error.message}); other instances apply it within their cache TTL`);
        warned = true;
      },
    );
  };
}

function subscribe(redis: Redis, channel: string, apply: (change: Invalidation) => void) {
  // A subscribed connection can send nothing else, so it is a connection of its own. It queues
  // SUBSCRIBE until it connects and reconnects for as long as it takes, subscribing again each time.
  const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true });
  let warnedDown = false;
  let warnedJunk = false;
  sub.on("error", (error: Error) => {
    if (!warnedDown) console.error(`[gateway] Redis subscriber: ${error.message}; changes made on other instances apply within the cache TTL`);
    warnedDown = true;
  });
  sub.on("ready", () => (warnedDown = false));
  sub.on("message", (from: string, raw: string) => {
    if (from !== channel) return;
    // Anyone who can reach Redis can publish here: only a well-formed change is applied.
    const change = parseInvalidation(raw);
    if (!change) {
      if (!warnedJunk) console.error(`[gateway] ignored a message on ${channel} that is not a Keel cache invalidation`);
      warnedJunk = true;
      return;
    }
    try {
      apply(change);
    } catch (error) {
      console.error("[gateway] applying a cache invalidation from Redis failed:", error);
    }
  });
  // Ready once subscribed, or as soon as connecting fails: the TTL covers changes until it succeeds.
  const settled = new Promise<void>((resolve) => {
    sub.subscribe(channel).then(() => resolve(), () => resolve());
    sub.once("error", () => resolve());
  });
  return {
    ready: (timeoutMs: number) => Promise.race([settled, sleep(timeoutMs, undefined, { ref: false })]),
    // Nothing to flush: a subscriber only listens.
    close: () => sub.disconnect(),
  };
}
