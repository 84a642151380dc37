import type { IncomingHttpHeaders } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { abortedBy, type GatewayError } from "@/lib/gateway/errors";
import type { ProviderCall } from "./provider";

/** How often, and how patiently, a provider call is retried. */
export type RetryPolicy = {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The first retry's backoff; it doubles each retry, with ±25% jitter. */
  retryBaseMs: number;
  /** A provider asking to wait longer than this (retry-after) gets no retry: the caller hears at once. */
  maxRetryWaitMs: number;
};

/** No retries: for providers where another attempt cannot go differently (the built-in models). */
export const NO_RETRIES: RetryPolicy = { maxRetries: 0, retryBaseMs: 0, maxRetryWaitMs: 0 };

/** What one attempt came to: an answer, or a failure another attempt might not have. */
export type AttemptOutcome<T> =
  | { kind: "done"; value: T }
  | {
      kind: "retryable";
      /** The wait the provider asked for (retry-after), or null to back off. */
      askedMs: number | null;
      /** The error the caller gets when no retry is left. */
      error: () => Promise<GatewayError>;
      /** Frees what the failed attempt holds (its body) before waiting. */
      discard?: () => Promise<void>;
    };

/**
 * Runs `attempt` until it is done, retrying what it calls retryable while the policy allows.
 * Failures it throws are final (the caller's mistakes, timeouts: a provider that hung once would
 * make the caller wait again). Each attempt is counted on the call's counter.
 */
export async function withRetries<T>(policy: RetryPolicy, call: Pick<ProviderCall, "signal" | "counter">, attempt: () => Promise<AttemptOutcome<T>>): Promise<T> {
  for (let n = 0; ; n++) {
    call.counter.attempts++;
    const outcome = await attempt();
    if (outcome.kind === "done") return outcome.value;
    const delay = n < policy.maxRetries ? retryDelay(policy, n, outcome.askedMs) : null;
    if (delay === null) throw await outcome.error();
    await outcome.discard?.();
    try {
      await sleep(delay, undefined, { signal: call.signal.abortSignal });
    } catch {
      throw abortedBy(call.signal);
    }
  }
}

function retryDelay(policy: RetryPolicy, attempt: number, askedMs: number | null): number | null {
  if (askedMs === null) return Math.round(policy.retryBaseMs * 2 ** attempt * (0.75 + Math.random() * 0.5));
  return askedMs > policy.maxRetryWaitMs ? null : askedMs;
}

/** retry-after-ms, or retry-after in seconds or as an HTTP date; null when absent. */
export function retryAfterMs(headers: IncomingHttpHeaders): number | null {
  const ms = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers["retry-after"];
  if (typeof value !== "string" || value === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
