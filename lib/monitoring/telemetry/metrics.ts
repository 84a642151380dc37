import type { Exchange } from "@/lib/gateway/exchange";
import type { Outcome } from "@/lib/gateway/steps/record";
import { Counter, Histogram, counterNow, gauge } from "./prometheus";

/** Seconds: from a cached, local model's few milliseconds to a long generation's minutes. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Endpoint label values kept per tenant. */
export const MAX_ENDPOINT_LABELS = 100;

/** What the metrics read from the rest of the gateway when scraped. */
export type MetricsProbes = { recordsPending: () => number };

/**
 * The gateway's Prometheus metrics, counted in this instance's memory as requests finish. Labels
 * stay bounded: the tenant's slug, the endpoint's name only once it was found (a caller's unknown
 * `model` is ""; past MAX_ENDPOINT_LABELS of a tenant's endpoints, "(other)"), the route and the
 * status class; never keys, users or request ids.
 */
export class GatewayMetrics {
  private readonly requests = new Counter(
    "keel_gateway_requests_total",
    "Gateway requests finished, by tenant, endpoint, route and status class (tenant and endpoint empty before they were known).",
    ["tenant", "endpoint", "route", "status_class"],
  );
  private readonly tokens = new Counter("keel_gateway_tokens_total", "Tokens used, as recorded (the provider's usage, or Keel's estimate).", ["tenant", "endpoint", "direction"]);
  private readonly cost = new Counter("keel_gateway_cost_usd_total", "Cost of the requests in US dollars at the versions' prices, as recorded.", ["tenant", "endpoint"]);
  private readonly duration = new Histogram(
    "keel_gateway_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route.",
    ["route"],
    DURATION_BUCKETS,
  );
  private readonly ttft = new Histogram(
    "keel_gateway_time_to_first_token_seconds",
    "Streamed chat completions: time from the request's arrival to the first content from the provider.",
    [],
    TTFT_BUCKETS,
  );

  /** Endpoint labels seen per tenant: past MAX_ENDPOINT_LABELS a tenant's further endpoints count as "(other)". */
  private readonly endpointsSeen = new Map<string, Set<string>>();

  constructor(private readonly probes: MetricsProbes) {}

  /**
   * The endpoint's label, bounded per tenant: tenants name their endpoints, and one that made
   * thousands must not grow every scrape (and Prometheus's memory) with a series each.
   */
  private endpointLabel(tenant: string, name: string): string {
    let seen = this.endpointsSeen.get(tenant);
    if (!seen) this.endpointsSeen.set(tenant, (seen = new Set()));
    if (seen.has(name)) return name;
    if (seen.size >= MAX_ENDPOINT_LABELS) return "(other)";
    seen.add(name);
    return name;
  }

  /** Counts one finished request; `seconds` from its arrival to the end of its answer. */
  observe(ex: Exchange, outcome: Outcome, seconds: number): void {
    const route = ex.route;
    if (!route) return;
    const tenant = ex.tenantSlug ?? "";
    const endpoint = ex.endpointId ? this.endpointLabel(tenant, ex.endpointName ?? "") : "";
    this.requests.inc([tenant, endpoint, route, `${Math.floor(outcome.status / 100)}xx`]);
    this.duration.observe([route], seconds);
    if (!ex.tenantId || !ex.recorded) return;
    const { usage, costUsd, ttftMs } = ex.metered;
    this.tokens.inc([tenant, endpoint, "input"], usage.inputTokens);
    this.tokens.inc([tenant, endpoint, "output"], usage.outputTokens);
    this.cost.inc([tenant, endpoint], costUsd);
    if (ex.stream && ttftMs !== null) this.ttft.observe([], ttftMs / 1000);
  }

  /** The exposition: the gateway's families, then this process's gauges. */
  render(): string {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return [
      this.requests.render(),
      this.tokens.render(),
      this.cost.render(),
      this.duration.render(),
      this.ttft.render(),
      gauge("keel_record_writer_pending", "Request records queued or being written, not yet committed.", this.probes.recordsPending()),
      gauge("process_resident_memory_bytes", "Resident memory size in bytes.", memory.rss),
      gauge("nodejs_heap_size_used_bytes", "V8 heap in use, in bytes.", memory.heapUsed),
      gauge("nodejs_heap_size_total_bytes", "V8 heap size, in bytes.", memory.heapTotal),
      counterNow("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", (cpu.user + cpu.system) / 1e6),
      gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", Math.round(Date.now() / 1000 - process.uptime())),
    ].join("");
  }
}
