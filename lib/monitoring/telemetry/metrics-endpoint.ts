import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayMetrics } from "./metrics";
import { PROMETHEUS_CONTENT_TYPE } from "./prometheus";

/** The metrics and the bearer token that reads them (KEEL_METRICS_TOKEN). */
export type MetricsEndpoint = { registry: GatewayMetrics; token: string };

const digest = (text: string) => crypto.createHash("sha256").update(text).digest();

/** Whether an Authorization header carries the token; compared in constant time, whatever its length. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  // A missing header is compared too, so that the answer takes the same time either way.
  return crypto.timingSafeEqual(digest(match?.[1] ?? ""), digest(token)) && match !== null;
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(`${text}\n`);
}

/**
 * GET /api/metrics: this instance's counters in Prometheus's text format, to a scraper holding the
 * token. With no token configured there is nothing here (404), and nothing was counted.
 */
export function serveMetrics(endpoint: MetricsEndpoint | null, req: IncomingMessage, res: ServerResponse): void {
  if (!endpoint) return answer(res, 404, "Not found. Set KEEL_METRICS_TOKEN to serve metrics here.");
  if (req.method !== "GET" && req.method !== "HEAD") return answer(res, 405, "Use GET.", { allow: "GET, HEAD" });
  if (!bearerMatches(req.headers.authorization, endpoint.token)) {
    return answer(res, 401, "Send the metrics token as `Authorization: Bearer <KEEL_METRICS_TOKEN>`.", { "www-authenticate": 'Bearer realm="keel-metrics"' });
  }
  const body = endpoint.registry.render();
  res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store", "content-length": String(Buffer.byteLength(body)) });
  res.end(req.method === "HEAD" ? undefined : body);
}
