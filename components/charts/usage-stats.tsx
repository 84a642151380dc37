import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { UsageTotals } from "@/lib/monitoring/data";

const ms = (v: number | null) => (v === null ? "—" : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

/** The totals of a range as cards: requests, error rate, latency percentiles, time to first token, tokens, cost (exact). */
export function UsageStats({ totals }: { totals: UsageTotals }) {
  const cost = Number(totals.cost);
  const stats = [
    { label: "Requests", value: totals.requests.toLocaleString("en-US"), testId: "total-requests" },
    { label: "Error rate", value: totals.errorRate === null ? "—" : `${(totals.errorRate * 100).toFixed(1)}%`, testId: "total-error-rate" },
    { label: "Latency p50 / p95 / p99", value: `${ms(totals.p50)} / ${ms(totals.p95)} / ${ms(totals.p99)}`, testId: "total-latency" },
    { label: "Time to first token p50", value: ms(totals.ttftP50), testId: "total-ttft" },
    { label: "Tokens in / out", value: `${totals.inputTokens.toLocaleString("en-US")} / ${totals.outputTokens.toLocaleString("en-US")}`, testId: "total-tokens" },
    { label: "Cost", value: `$${cost < 1 ? totals.cost.replace(/0+$/, "").replace(/\.$/, ".00") : cost.toFixed(2)}`, testId: "total-cost", title: `$${totals.cost}` },
  ];
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
      {stats.map((s) => (
        <Card key={s.label}>
          <CardHeader className="p-4">
            <CardDescription className="text-xs">{s.label}</CardDescription>
            <CardTitle className="text-lg tabular-nums" data-testid={s.testId} title={s.title}>{s.value}</CardTitle>
          </CardHeader>
        </Card>
      ))}
    </div>
  );
}
