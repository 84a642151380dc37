import type { IncomingHttpHeaders } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool, type Dispatcher } from "undici";
import { outboundRefusal, type OutboundPolicy } from "@/lib/net/outbound";
import type { GatewayProvider } from "./endpoints";
import { GatewayError, abortedBy, apiError, clientClosed } from "./errors";

export type UpstreamOptions = {
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  /** A provider asking to wait longer than this (retry-after) gets no retry. */
  maxRetryWaitMs: number;
  /** Checks and pins every connection to a provider (KEEL_OUTBOUND_ALLOW admits private ones). */
  outbound: OutboundPolicy;
};

/** A provider's body: undici's for remote providers, a Node stream for the built-in models. */
export type UpstreamBody = AsyncIterable<unknown> & Pick<NodeJS.ReadableStream, "on" | "off"> & { destroy(error?: Error): unknown };

export type UpstreamResponse = { statusCode: number; headers: IncomingHttpHeaders; body: UpstreamBody };

/** Counts provider calls across retries and fallbacks, for the request record. */
export type AttemptCounter = { attempts: number };

/**
 * Calls OpenAI-compatible providers over keep-alive connections (one undici Pool per origin), each
 * connection checked by the outbound policy and made to the address it checked. Redirects are not
 * followed. Retries 429, 5xx and connection errors with exponential backoff, honouring retry-after;
 * timeouts are not retried, since a provider that hung once would make the caller wait again.
 */
export class Upstream {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly opts: UpstreamOptions) {}

  /** POSTs JSON and returns the first 2xx response, or throws an OpenAI-shaped GatewayError. */
  async post(provider: GatewayProvider, path: string, body: string, signal: AbortSignal, counter: AttemptCounter, requestId: string): Promise<UpstreamResponse> {
    // A provider with a problem (an undecryptable key, say) is not called at all, not even without its key.
    if (!provider.origin || provider.problem) throw apiError(502, "provider_misconfigured", provider.problem ?? "The provider has no base URL.");
    const pool = this.pool(provider.origin);
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream", "x-request-id": requestId };
    if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
    const { timeoutMs, maxRetries } = this.opts;

    for (let attempt = 0; ; attempt++) {
      counter.attempts++;
      let res: Dispatcher.ResponseData;
      try {
        res = await pool.request({ path: provider.basePath + path, method: "POST", headers, body, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      } catch (error) {
        if (signal.aborted) throw abortedBy(signal);
        // The address is the same on every try; the caller learns that, not which address it was.
        if (outboundRefusal(error)) throw apiError(502, "provider_address_refused", ADDRESS_REFUSED);
        if (isTimeout(error)) throw apiError(504, "upstream_timeout", `The provider did not answer within ${timeoutMs} ms.`);
        if (attempt < maxRetries) {
          await this.wait(this.backoff(attempt), signal);
          continue;
        }
        throw apiError(502, "upstream_unreachable", `Could not reach the provider (${errorCode(error)}).`);
      }
      if (res.statusCode >= 200 && res.statusCode < 300) return { statusCode: res.statusCode, headers: res.headers, body: res.body };
      if ((res.statusCode === 429 || res.statusCode >= 500) && attempt < maxRetries) {
        const delay = this.retryDelay(res.headers, attempt);
        if (delay !== null) {
          await res.body.dump().catch(() => {});
          await this.wait(delay, signal);
          continue;
        }
      }
      throw await upstreamError(res, requestId);
    }
  }

  /** Closes every connection to every provider. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000, pipelining: 1, connect: this.opts.outbound.connect });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private backoff(attempt: number): number {
    return Math.round(this.opts.retryBaseMs * 2 ** attempt * (0.75 + Math.random() * 0.5));
  }

  private retryDelay(headers: IncomingHttpHeaders, attempt: number): number | null {
    const asked = retryAfterMs(headers);
    if (asked === null) return this.backoff(attempt);
    return asked > this.opts.maxRetryWaitMs ? null : asked;
  }

  private async wait(ms: number, signal: AbortSignal) {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      throw abortedBy(signal);
    }
  }
}

const ADDRESS_REFUSED =
  "The provider's base URL leads to an address Keel does not call (private, loopback or link-local). A platform admin can allow it with KEEL_OUTBOUND_ALLOW.";

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

/**
 * Reads a response body, refusing to buffer more than `limit` bytes. Stream events rather than
 * `for await`, whose promises cost more than the rest of reading a small body (measured).
 */
export function readUpstreamBody(body: UpstreamResponse["body"], limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error: unknown) => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
      if (error === null) return resolve(Buffer.concat(chunks, size));
      // Whatever the torn-down stream still emits must not become an uncaught error.
      body.on("error", () => {});
      body.destroy();
      reject(bodyError(error));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(apiError(502, "upstream_too_large", `The provider's response is larger than ${limit} bytes.`));
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = (error: unknown) => done(error);
    // Closed before its end without an error: cut off, as `for await` reports it.
    const onClose = () => done(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
  });
}

/** What a failure while reading a provider's body means for the caller. */
export function bodyError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: string; name?: string })?.code;
  if (code === "UND_ERR_ABORTED" || (error as Error)?.name === "AbortError") return clientClosed();
  if (code === "UND_ERR_BODY_TIMEOUT") return apiError(504, "upstream_timeout", "The provider stopped sending its answer.");
  return apiError(502, "upstream_interrupted", `The provider's answer was cut off (${errorCode(error)}).`);
}

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

function errorCode(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e?.code ?? e?.message ?? "connection error";
}
