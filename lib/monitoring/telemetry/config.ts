/**
 * What the gateway's telemetry needs, as values (lib/config.ts reads the environment and builds
 * it). Both halves off, the gateway has no telemetry object at all, and the request path pays one
 * null check.
 */
export type TelemetryConfig = {
  /** Where spans go, as the full OTLP/HTTP traces URL (…/v1/traces); null sends none. */
  otlpTracesUrl: string | null;
  /** Headers on every export (OTEL_EXPORTER_OTLP_HEADERS): a collector's or vendor's key. */
  otlpHeaders?: Record<string, string>;
  /** The `service.name` of the spans (OTEL_SERVICE_NAME, "keel"). */
  serviceName?: string;
  /** The bearer token /api/metrics asks for (KEEL_METRICS_TOKEN); null answers 404 and counts nothing. */
  metricsToken: string | null;
};

/**
 * The traces URL from OTLP's base endpoint, as the OpenTelemetry specification has exporters do:
 * the signal's path appended, with one slash between.
 */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/v1/traces`;
}

/**
 * OTEL_EXPORTER_OTLP_HEADERS as the specification writes it: `key=value` pairs, comma-separated,
 * values percent-encoded. Null when a pair is malformed, so that the configuration can say so
 * rather than export without the header a collector needs.
 */
export function parseOtlpHeaders(text: string): Record<string, string> | null {
  const headers: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) return null;
    const name = pair.slice(0, eq).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return null;
    try {
      headers[name] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return headers;
}
