import { addressKey } from "@/lib/net/client-address";
import { rateLimited } from "./errors";

export type KeyThrottleOptions = { maxFailures: number; windowMs: number; maxAddresses: number };

/** 30 wrong keys a minute from one address, and it waits; at most 10,000 addresses remembered. */
export const KEY_THROTTLE_DEFAULTS: KeyThrottleOptions = { maxFailures: 30, windowMs: 60_000, maxAddresses: 10_000 };

type Window = { start: number; previous: number; current: number };

/**
 * Failed API key lookups per caller address, in a sliding window (two fixed windows, the older one
 * weighted by how much of it still overlaps). Past `maxFailures` the address gets 429 before its key
 * is even looked up, so guessing keys costs Keel neither database reads nor cache entries. Keys the
 * instance has lately found real still pass (see authenticate()); a key it has never seen waits too,
 * as Keel cannot tell it apart without the lookup it is refusing.
 *
 * In memory, per instance. The map holds at most `maxAddresses`: when full, windows that have
 * passed go first, then the oldest addresses, so a flood of addresses cannot grow it. IPv6 callers
 * count per /64, the block one host usually holds, so rotating addresses within it does not help.
 */
export class KeyThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly opts: KeyThrottleOptions = KEY_THROTTLE_DEFAULTS) {}

  /** Throws 429 while `address` is over its allowance of failures. */
  check(address: string, now = Date.now()): void {
    if (this.windows.size === 0) return;
    const w = this.windows.get(addressKey(address));
    if (!w) return;
    this.roll(w, now);
    if (this.count(w, now) < this.opts.maxFailures) return;
    throw rateLimited(
      "Too many requests with an invalid API key from this address. Check the key your application sends, then retry later.",
      w.start + this.opts.windowMs - now,
    );
  }

  /** Counts one failed lookup from `address`. */
  fail(address: string, now = Date.now()): void {
    const key = addressKey(address);
    let w = this.windows.get(key);
    if (!w) {
      if (this.windows.size >= this.opts.maxAddresses) this.evict(now);
      w = { start: now, previous: 0, current: 0 };
      this.windows.set(key, w);
    }
    this.roll(w, now);
    w.current++;
  }

  /** Addresses remembered, for tests. */
  get size(): number {
    return this.windows.size;
  }

  private roll(w: Window, now: number) {
    const elapsed = now - w.start;
    if (elapsed < this.opts.windowMs) return;
    w.previous = elapsed < 2 * this.opts.windowMs ? w.current : 0;
    w.current = 0;
    w.start = now - (elapsed % this.opts.windowMs);
  }

  private count(w: Window, now: number): number {
    const overlap = 1 - (now - w.start) / this.opts.windowMs;
    return w.current + w.previous * overlap;
  }

  private evict(now: number) {
    for (const [key, w] of this.windows) if (now - w.start >= 2 * this.opts.windowMs) this.windows.delete(key);
    if (this.windows.size < this.opts.maxAddresses) return;
    // Still full: forget the oldest half (a Map iterates in insertion order).
    let drop = this.windows.size - Math.floor(this.opts.maxAddresses / 2);
    for (const key of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.windows.delete(key);
    }
  }
}
