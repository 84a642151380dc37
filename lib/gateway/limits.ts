import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { rateLimited } from "./errors";
import { KEY_THROTTLE_DEFAULTS, KeyThrottle, type KeyThrottleOptions } from "./key-throttle";
import type { GatewayKey } from "./keys";
import type { MaybePromise } from "./maybe-promise";

type Scope = "key-rpm" | "key-tpm" | "tenant-rpm" | "tenant-tpm";
type Check = { scope: Scope; id: string; limit: number; amount: number };

/** Settles a request's token reservation once its real usage is known. */
export type TokenLease = { settle: (actualTokens: number) => void };

/** OpenAI's x-ratelimit-* headers for the limits that applied (the tightest of key and tenant). */
export type RateLimitHeaders = Record<string, string>;

/** What admission to the limits gives a request: its token lease, and the headers its answer carries. */
export type LimitsAdmission = TokenLease & { headers: RateLimitHeaders };

const NO_LEASE: TokenLease = { settle: () => {} };
const WINDOW_SECONDS = 60;
// Limits differ per key and may change at any time, so the stores only count; the comparison with
// the key's current limit happens here. Counting never rejects on its own.
const COUNT_ONLY = 2 ** 31;

export type LimitsOptions = {
  tenantRpm: number | null;
  tenantTpm: number | null;
  redis: Redis | null;
  prefix: string;
  /** Failed key lookups an address may make (always in this instance's memory). */
  keyThrottle?: KeyThrottleOptions;
};

/**
 * Requests and tokens per minute, per key (from the key's row) and per tenant (from the
 * environment), in fixed one-minute windows. Counters live in memory, or in Redis when several
 * instances must share them (Redis failures fall back to this instance's memory). Each check is an
 * atomic increment, so concurrent requests are counted exactly; a request refused by any check
 * gives back what it took from the others.
 */
export class Limits {
  private readonly limiters: Record<Scope, RateLimiterAbstract>;
  /** Wrong keys per caller address: checked before a key is looked up, counted after it failed. */
  readonly failedKeys: KeyThrottle;

  constructor(private readonly opts: LimitsOptions) {
    this.failedKeys = new KeyThrottle(opts.keyThrottle ?? KEY_THROTTLE_DEFAULTS);
    const make = (scope: Scope): RateLimiterAbstract => {
      const base = { keyPrefix: `${opts.prefix}:${scope}`, points: COUNT_ONLY, duration: WINDOW_SECONDS };
      if (!opts.redis) return new RateLimiterMemory(base);
      return new RateLimiterRedis({ ...base, storeClient: opts.redis, insuranceLimiter: new RateLimiterMemory(base) });
    };
    this.limiters = { "key-rpm": make("key-rpm"), "key-tpm": make("key-tpm"), "tenant-rpm": make("tenant-rpm"), "tenant-tpm": make("tenant-tpm") };
  }

  /** Counts the request and reserves `estimatedTokens`; throws 429 with retry-after when a limit is reached. */
  admit(key: GatewayKey, estimatedTokens: number): MaybePromise<LimitsAdmission> {
    const checks: Check[] = [];
    const add = (scope: Scope, id: string, limit: number | null, amount: number) => {
      // A reservation larger than the whole minute's allowance is admitted into an empty window
      // rather than refused forever; reconciling with real usage then charges it in full.
      if (limit !== null) checks.push({ scope, id, limit, amount: Math.min(amount, limit) });
    };
    add("key-rpm", key.id, key.requestsPerMinute, 1);
    add("tenant-rpm", key.tenantId, this.opts.tenantRpm, 1);
    add("key-tpm", key.id, key.tokensPerMinute, estimatedTokens);
    add("tenant-tpm", key.tenantId, this.opts.tenantTpm, estimatedTokens);
    // No limit applies (the common case): nothing to count, and no promise to make.
    if (checks.length === 0) return { ...NO_LEASE, headers: {} };
    return this.admitCounted(checks);
  }

  private async admitCounted(checks: Check[]): Promise<LimitsAdmission> {
    const results = await Promise.all(checks.map((c) => this.count(c.scope, c.id, c.amount)));
    const headers = rateLimitHeaders(checks, results);
    const refused = checks.findIndex((c, i) => results[i].consumedPoints > c.limit);
    if (refused >= 0) {
      for (const c of checks) this.adjust(c.scope, c.id, -c.amount);
      throw rateLimited(describe(checks[refused]), results[refused].msBeforeNext, headers);
    }

    const tokenChecks = checks.filter((c) => c.scope.endsWith("tpm"));
    if (tokenChecks.length === 0) return { ...NO_LEASE, headers };
    let settled = false;
    return {
      headers,
      settle: (actualTokens) => {
        if (settled) return;
        settled = true;
        for (const c of tokenChecks) this.adjust(c.scope, c.id, actualTokens - c.amount);
      },
    };
  }

  private async count(scope: Scope, id: string, amount: number): Promise<RateLimiterRes> {
    try {
      return await this.limiters[scope].consume(id, amount);
    } catch (error) {
      if (error instanceof RateLimiterRes) return error;
      throw error;
    }
  }

  /** Adds (or gives back) points off the response path; a lost adjustment only skews one window. */
  private adjust(scope: Scope, id: string, delta: number) {
    if (delta === 0) return;
    const limiter = this.limiters[scope];
    const done = delta > 0 ? limiter.penalty(id, delta) : limiter.reward(id, -delta);
    done.catch((error: unknown) => console.error(`[gateway] could not adjust the ${scope} limit:`, error));
  }
}

/**
 * For requests and for tokens, the limit with the least left (key or tenant): its size, what is
 * left of it after this request (its tokens as estimated), and when its window resets, in OpenAI's
 * duration format ("1s", "6m0s", "350ms").
 */
function rateLimitHeaders(checks: Check[], results: RateLimiterRes[]): RateLimitHeaders {
  const headers: RateLimitHeaders = {};
  for (const [unit, suffix] of [["rpm", "requests"], ["tpm", "tokens"]] as const) {
    let tightest: { limit: number; remaining: number; resetMs: number } | null = null;
    checks.forEach((c, i) => {
      if (!c.scope.endsWith(unit)) return;
      const remaining = Math.max(0, c.limit - results[i].consumedPoints);
      if (!tightest || remaining < tightest.remaining) tightest = { limit: c.limit, remaining, resetMs: results[i].msBeforeNext };
    });
    if (!tightest) continue;
    const { limit, remaining, resetMs } = tightest;
    headers[`x-ratelimit-limit-${suffix}`] = String(limit);
    headers[`x-ratelimit-remaining-${suffix}`] = String(remaining);
    headers[`x-ratelimit-reset-${suffix}`] = durationText(resetMs);
  }
  return headers;
}

/** Go's duration format, which OpenAI's headers use: "350ms", "1.5s", "6m0s". */
export function durationText(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  if (t < 1000) return `${t}ms`;
  const minutes = Math.floor(t / 60_000);
  const seconds = (t % 60_000) / 1000;
  const s = `${Number(seconds.toFixed(3))}s`;
  return minutes > 0 ? `${minutes}m${s}` : s;
}

function describe(c: Check): string {
  const what = c.scope.endsWith("rpm") ? "requests" : "tokens";
  const whose = c.scope.startsWith("key") ? "this API key" : "this tenant";
  return `Rate limit reached for ${what} per minute on ${whose} (limit ${c.limit}). Please try again later.`;
}
