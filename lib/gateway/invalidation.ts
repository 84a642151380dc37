import { z } from "zod";

/**
 * Changes to what the gateway caches (keys, tenants, endpoints, prompts), announced so that a gateway drops
 * what it holds at once instead of waiting out its cache's TTL. The console publishes them here;
 * each gateway in the process applies them, and relays them to other instances over Redis
 * (invalidation-link.ts). They name what changed, not what to drop: each gateway decides that.
 *
 * This file is imported by the console's server code too, so it keeps to zod and globalThis.
 */

const id = z.string().min(1).max(64);

/** One change; Redis carries it as JSON. An instance that does not know a kind ignores it (its TTL covers it). */
export const invalidationSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("key"), tenantId: id, keyId: id }),
  // Suspended, resumed, or a new budget: cached keys carry their tenant along.
  z.object({ kind: z.literal("tenant"), tenantId: id }),
  // The endpoint, its versions, prices, fallbacks, or its creation (its name may be cached as unknown).
  z.object({ kind: z.literal("endpoint"), tenantId: id, endpointId: id }),
  // A provider's URL and key are copied into every cached endpoint whose versions use it.
  z.object({ kind: z.literal("provider"), tenantId: id, providerId: id }),
  // A prompt saved, restored, created or deleted: named, since gateways cache prompts by name.
  z.object({ kind: z.literal("prompt"), tenantId: id, name: z.string().min(1).max(64) }),
]);

export type Invalidation = z.infer<typeof invalidationSchema>;

/** Longest message accepted from Redis; a real one is under 200 bytes. */
const MAX_MESSAGE_CHARS = 1_024;

/** A message from Redis, which is untrusted input: a well-formed invalidation, or null. */
export function parseInvalidation(raw: string): Invalidation | null {
  if (raw.length > MAX_MESSAGE_CHARS) return null;
  try {
    const parsed = invalidationSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

type Listener = (change: Invalidation) => void;

/**
 * Where this process's listeners are kept. The console (Next's bundle) and the gateway (server.ts's
 * module graph) load this file as two separate modules in one process; globalThis is what they share.
 */
export const INVALIDATION_LISTENERS = Symbol.for("keel.invalidation-listeners");
type GlobalWithListeners = typeof globalThis & { [INVALIDATION_LISTENERS]?: Set<Listener> };

function listeners(): Set<Listener> {
  const g = globalThis as GlobalWithListeners;
  return (g[INVALIDATION_LISTENERS] ??= new Set());
}

/**
 * Announces committed changes to this process's gateway, which drops what it cached of them at
 * once and relays them to the other instances when Redis is configured. Call it after the
 * transaction commits (the action factory does): a gateway that reloads before then would cache
 * the old row again. Never throws; a gateway that misses a change still sees it within its TTL.
 */
export function publishInvalidation(changes: readonly Invalidation[]): void {
  for (const change of changes) {
    for (const listener of listeners()) {
      try {
        listener(change);
      } catch (error) {
        console.error("[gateway] applying a cache invalidation failed:", error);
      }
    }
  }
}

/** Calls `listener` with every change published in this process until the returned function is called. */
export function onInvalidation(listener: Listener): () => void {
  const set = listeners();
  set.add(listener);
  return () => set.delete(listener);
}
