import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import type { Exchange } from "@/lib/gateway/exchange";
import { GatewayMetrics, MAX_ENDPOINT_LABELS } from "./metrics";

/** A finished request as the gateway's exchange would describe it to the metrics. */
const finished = (tenant: string, endpoint: string) =>
  ({ route: "chat.completions", tenantSlug: tenant, tenantId: `id-${tenant}`, endpointId: `e-${endpoint}`, endpointName: endpoint, recorded: false, stream: false }) as unknown as Exchange;

describe("gateway metrics", () => {
  it("bound each tenant's endpoint labels, so one tenant's thousand endpoints cannot crowd out another's series", () => {
    const metrics = new GatewayMetrics({ recordsPending: () => 0 });
    for (let i = 0; i < 1000; i++) metrics.observe(finished("noisy", `ep-${i}`), { status: 200, errorCode: null }, 0.01);
    metrics.observe(finished("quiet", "support-bot"), { status: 200, errorCode: null }, 0.01);
    const requests = parsePrometheusTextFormat(metrics.render()).find((f) => f.name === "keel_gateway_requests_total")!;
    const noisy = requests.metrics.filter((m) => m.labels?.tenant === "noisy");
    expect(noisy).toHaveLength(MAX_ENDPOINT_LABELS + 1);
    expect(Number(noisy.find((m) => m.labels?.endpoint === "(other)")!.value)).toBe(1000 - MAX_ENDPOINT_LABELS);
    expect(noisy.reduce((n, m) => n + Number(m.value), 0)).toBe(1000);
    expect(requests.metrics.find((m) => m.labels?.tenant === "quiet")).toMatchObject({ labels: { endpoint: "support-bot" }, value: "1" });
  });
});
