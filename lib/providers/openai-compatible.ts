import { Pool, type Dispatcher } from "undici";
import { GatewayError, abortedBy, apiError } from "@/lib/gateway/errors";
import { outboundRefusal, type OutboundPolicy } from "@/lib/net/outbound";
import { errorCode, readUpstreamBody } from "./body";
import type { Provider, ProviderCall, ProviderResponse } from "./provider";
import { retryAfterMs, withRetries, type AttemptOutcome, type RetryPolicy } from "./retry";

export type OpenAICompatibleOptions = RetryPolicy & {
  timeoutMs: number;
  /** Checks and pins every connection to a provider (KEEL_OUTBOUND_ALLOW admits private ones). */
  outbound: OutboundPolicy;
};

/**
 * Providers that speak OpenAI's API (OpenAI, vLLM, Ollama, LiteLLM, most hosted models), over
 * keep-alive connections: one undici Pool per origin, each connection checked by the outbound
 * policy and made to the address it checked. Redirects are not followed. 429, 5xx and connection
 * errors are retried (retry.ts); timeouts are not.
 */
export class OpenAICompatibleProvider implements Provider {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly opts: OpenAICompatibleOptions) {}

  chat(call: ProviderCall): Promise<ProviderResponse> {
    return this.post(call, "/chat/completions");
  }

  embed(call: ProviderCall): Promise<ProviderResponse> {
    return this.post(call, "/embeddings");
  }

  /** Closes every connection to every provider. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
    this.pools.clear();
  }

  private async post(call: ProviderCall, path: string): Promise<ProviderResponse> {
    const { target, signal, requestId } = call;
    // A provider with a problem (an undecryptable key, say) is not called at all, not even without its key.
    if (!target.origin || target.problem) throw apiError(502, "provider_misconfigured", target.problem ?? "The provider has no base URL.");
    const pool = this.pool(target.origin);
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream", "x-request-id": requestId };
    if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
    const body = JSON.stringify(call.body);
    const { timeoutMs } = this.opts;
    return withRetries(this.opts, call, async (): Promise<AttemptOutcome<ProviderResponse>> => {
      let res: Dispatcher.ResponseData;
      try {
        res = await pool.request({ path: target.basePath + path, method: "POST", headers, body, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      } catch (error) {
        if (signal.aborted) throw abortedBy(signal);
        // The address is the same on every try; the caller learns that, not which address it was.
        if (outboundRefusal(error)) throw apiError(502, "provider_address_refused", ADDRESS_REFUSED);
        if (isTimeout(error)) throw apiError(504, "upstream_timeout", `The provider did not answer within ${timeoutMs} ms.`);
        const failure = apiError(502, "upstream_unreachable", `Could not reach the provider (${errorCode(error)}).`);
        return { kind: "retryable", askedMs: null, error: async () => failure };
      }
      if (res.statusCode >= 200 && res.statusCode < 300) return { kind: "done", value: { statusCode: res.statusCode, headers: res.headers, body: res.body } };
      if (res.statusCode === 429 || res.statusCode >= 500) {
        return {
          kind: "retryable",
          askedMs: retryAfterMs(res.headers),
          error: () => upstreamError(res, requestId),
          discard: () => res.body.dump().catch(() => {}),
        };
      }
      throw await upstreamError(res, requestId);
    });
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000, pipelining: 1, connect: this.opts.outbound.connect });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

const ADDRESS_REFUSED =
  "The provider's base URL leads to an address Keel does not call (private, loopback or link-local). A platform admin can allow it with KEEL_OUTBOUND_ALLOW.";

/**
 * A provider's refusal as the caller should see it: their own mistakes keep the provider's words.
 * Its own failures do not: a 5xx page or a 429 may name internal hosts or the platform's account
 * (OpenAI's name the organisation), which API callers and console developers are not shown; the
 * log keeps them, under the request id, for whoever runs Keel.
 */
async function upstreamError(res: Dispatcher.ResponseData, requestId: string): Promise<GatewayError> {
  const text = (await readUpstreamBody(res.body, 1 << 20).catch(() => Buffer.alloc(0))).toString("utf8");
  let detail: { message?: unknown; code?: unknown; param?: unknown } = {};
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    detail = typeof parsed.error === "object" && parsed.error ? parsed.error : { message: parsed.error ?? parsed.message };
  } catch {
    detail = { message: text.slice(0, 500) };
  }
  const message = typeof detail.message === "string" && detail.message ? detail.message : `HTTP ${res.statusCode}`;
  // The code is stored in the request record: a plain short token, or none (a NUL would fail the
  // whole batch of records it was written with, other tenants' included).
  const code = typeof detail.code === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(detail.code) ? detail.code : null;
  const param = typeof detail.param === "string" ? detail.param : null;
  const s = res.statusCode;
  if (s === 404) return new GatewayError(404, "not_found_error", code, message, param);
  if ([400, 409, 413, 415, 422].includes(s)) return new GatewayError(s, "invalid_request_error", code, message, param);
  // The provider rejecting Keel's own credentials is no fault of the caller, and its message may quote the key.
  if (s === 401 || s === 403) return apiError(502, "provider_auth_failed", `The provider refused Keel's credentials (HTTP ${s}); check the provider's API key in Keel.`);
  console.warn(`[gateway] request ${requestId}: the provider answered HTTP ${s}: ${message.slice(0, 500)}`);
  if (s === 429) return apiError(502, "provider_rate_limited", `The provider is rate limiting Keel (HTTP 429; request id ${requestId}).`);
  return apiError(502, "provider_error", `The provider failed (HTTP ${s}; request id ${requestId}).`);
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT";
}
