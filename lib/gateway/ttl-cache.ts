import type { MaybePromise } from "./maybe-promise";

/**
 * A small read-through cache with a short TTL. Changes made in the console drop the entries they
 * touch (see invalidation.ts); the TTL bounds staleness when such a message is lost (Redis down),
 * so a revoked key or a changed endpoint is seen by every instance within one TTL regardless.
 * Entries in use are reloaded in the background once half their TTL has passed, so steady traffic
 * never waits on the database; concurrent misses for one key share a single load.
 */
export class TtlCache<V> {
  private entries = new Map<string, { value: V; refreshAt: number; expires: number }>();
  private loading = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /**
   * The cached value, or `load()`'s result, which is kept for the TTL (misses included). A fresh
   * hit comes back as it is, not in a promise: the gateway's hot path reads its caches per request,
   * and each promise costs (more so while Next's async hooks share the process).
   */
  get(key: string, load: () => Promise<V>): MaybePromise<V> {
    const hit = this.entries.get(key);
    const now = Date.now();
    if (hit && hit.expires > now) {
      // A failed background reload is not this request's problem; the entry expires on time anyway.
      if (hit.refreshAt <= now && !this.loading.has(key)) this.load(key, load).catch(() => {});
      return hit.value;
    }
    return this.loading.get(key) ?? this.load(key, load);
  }

  /**
   * Drops the entries `match` picks, so that their next `get` reads the database again. Loads
   * under way are abandoned too, whatever their key: each may have read the row before the change
   * that called for this committed, and storing it would keep the old value for a whole TTL.
   */
  forget(match: (key: string, value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (match(key, entry.value)) this.entries.delete(key);
    this.loading.clear();
  }

  private load(key: string, load: () => Promise<V>): Promise<V> {
    // Whether this load is still the key's current one: forget() may have abandoned it meanwhile.
    const current = () => this.loading.get(key) === promise;
    const promise: Promise<V> = load().then(
      (value) => {
        if (current()) {
          this.loading.delete(key);
          this.store(key, value);
        }
        return value;
      },
      (error: unknown) => {
        if (current()) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, promise);
    return promise;
  }

  private store(key: string, value: V) {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.evict();
    const now = Date.now();
    this.entries.set(key, { value, refreshAt: now + this.ttlMs / 2, expires: now + this.ttlMs });
  }

  private evict() {
    const now = Date.now();
    for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
    // Still full of live entries (a flood of distinct keys): drop the oldest half.
    if (this.entries.size >= this.maxEntries) {
      let drop = Math.floor(this.maxEntries / 2);
      for (const k of this.entries.keys()) {
        if (drop-- <= 0) break;
        this.entries.delete(k);
      }
    }
  }
}
