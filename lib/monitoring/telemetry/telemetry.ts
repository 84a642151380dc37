import type { IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Exchange } from "@/lib/gateway/exchange";
import type { TelemetryConfig } from "./config";
import { GatewayMetrics, type MetricsProbes } from "./metrics";
import type { MetricsEndpoint } from "./metrics-endpoint";
import { GatewayTracing } from "./tracing";

/** Longest a shutdown waits for the last spans: an unreachable collector is retried for longer (measured ~8 s). */
const CLOSE_WAIT_MS = 3_000;

/**
 * The gateway's telemetry: a span per chat or embeddings request when an OTLP endpoint is set,
 * Prometheus counters when a metrics token is set. The gateway calls `observe` once a request is
 * done; with neither configured there is no Telemetry at all and the request path pays a null check.
 */
export type Telemetry = {
  /** Whether spans are made: the pipelines gather request parameters and answer facts only then. */
  tracing: boolean;
  /** The counters and the token that reads them; null without KEEL_METRICS_TOKEN. */
  metrics: MetricsEndpoint | null;
  /** Counts and traces a finished request from its exchange; never throws. */
  observe: (ex: Exchange, headers: IncomingHttpHeaders) => void;
  /** Exports the spans still buffered (shutdown). */
  close: () => Promise<void>;
};

/** The telemetry a configuration asks for, or null when it asks for none. */
export function createTelemetry(config: TelemetryConfig, probes: MetricsProbes): Telemetry | null {
  const tracing = config.otlpTracesUrl
    ? new GatewayTracing({ url: config.otlpTracesUrl, headers: config.otlpHeaders ?? {}, serviceName: config.serviceName ?? "keel" })
    : null;
  const metrics = config.metricsToken ? { registry: new GatewayMetrics(probes), token: config.metricsToken } : null;
  if (!tracing && !metrics) return null;
  let warned = false;
  return {
    tracing: tracing !== null,
    metrics,
    observe(ex, headers) {
      const outcome = ex.outcome;
      if (!outcome) return;
      const endMs = performance.now();
      try {
        metrics?.registry.observe(ex, outcome, (endMs - ex.startedAt) / 1000);
        tracing?.trace(ex, outcome, endMs, headers);
      } catch (error) {
        // Telemetry never fails a request, which has been answered by now anyway.
        if (!warned) console.error(`[telemetry] could not observe request ${ex.id}:`, error);
        warned = true;
      }
    },
    close: async () => {
      if (!tracing) return;
      const closed = tracing.close().then(
        () => true,
        (error: unknown) => (console.error(`[telemetry] could not export the last spans: ${(error as Error)?.message ?? error}`), true),
      );
      if (!(await Promise.race([closed, sleep(CLOSE_WAIT_MS, false, { ref: false })]))) {
        console.error(`[telemetry] gave up exporting the last spans after ${CLOSE_WAIT_MS / 1000} s`);
      }
    },
  };
}
