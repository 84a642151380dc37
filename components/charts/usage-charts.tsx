"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { UsagePoint } from "@/lib/monitoring/data";

const COLORS = { primary: "var(--primary)", error: "var(--destructive)", warning: "var(--warning)", success: "var(--success)", muted: "var(--muted-foreground)" };

/** Time labels fit the step: minutes show the clock, hours the day and clock, days the date (the viewer's time zone). */
function timeLabel(stepMs: number) {
  const options: Intl.DateTimeFormatOptions =
    stepMs < 3_600_000 ? { hour: "2-digit", minute: "2-digit" } : stepMs < 86_400_000 ? { month: "short", day: "numeric", hour: "2-digit" } : { month: "short", day: "numeric" };
  const format = new Intl.DateTimeFormat(undefined, options);
  return (t: number) => format.format(new Date(t));
}

const count = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const dollars = (v: number) => (v >= 1 ? `$${v.toFixed(2)}` : `$${v.toPrecision(2)}`);
const millis = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const percent = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;

type ChartProps = { title: string; description: string; testId: string; children: React.ReactElement };

function ChartCard({ title, description, testId, children }: ChartProps) {
  return (
    <Card data-testid={testId}>
      <CardHeader className="pb-2">
        <CardTitle className="text-sm">{title}</CardTitle>
        <CardDescription className="text-xs">{description}</CardDescription>
      </CardHeader>
      <CardContent className="h-56 px-2 pb-3">
        <ResponsiveContainer width="100%" height="100%" minWidth={0}>
          {children}
        </ResponsiveContainer>
      </CardContent>
    </Card>
  );
}

/**
 * The monitoring charts of one series: requests and errors, error rate, latency percentiles, time
 * to first token, tokens and cost, one point per step. Server pages pass the points; recharts draws
 * in the browser only (its server render is an empty box).
 */
export function UsageCharts({ points, stepMs }: { points: UsagePoint[]; stepMs: number }) {
  const label = timeLabel(stepMs);
  const data = points.map((p) => ({ ...p, ok: p.requests - p.errors }));
  const axis = {
    x: <XAxis dataKey="t" type="number" scale="time" domain={[(points[0]?.t ?? 0) - stepMs / 2, (points.at(-1)?.t ?? 0) + stepMs / 2]} tickFormatter={label} tick={{ fontSize: 11 }} stroke={COLORS.muted} minTickGap={24} />,
    grid: <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />,
    tooltip: (format: (v: number) => string) => (
      <Tooltip
        labelFormatter={(t) => label(Number(t))}
        formatter={(v) => (typeof v === "number" ? format(v) : String(v))}
        contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", fontSize: 12 }}
      />
    ),
  };
  const y = (format: (v: number) => string) => <YAxis tickFormatter={format} tick={{ fontSize: 11 }} stroke={COLORS.muted} width={64} />;
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="usage-charts">
      <ChartCard title="Requests" description="Answered and failed, per step" testId="chart-requests">
        <BarChart data={data}>
          {axis.grid}{axis.x}{y((v) => count.format(v))}{axis.tooltip((v) => v.toLocaleString("en-US"))}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="ok" name="Answered" stackId="r" fill={COLORS.primary} isAnimationActive={false} />
          <Bar dataKey="errors" name="Failed" stackId="r" fill={COLORS.error} isAnimationActive={false} />
        </BarChart>
      </ChartCard>
      <ChartCard title="Error rate" description="Share of requests answered 400 or above" testId="chart-error-rate">
        <LineChart data={data}>
          {axis.grid}{axis.x}{y(percent)}{axis.tooltip(percent)}
          <Line dataKey="errorRate" name="Error rate" stroke={COLORS.error} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      </ChartCard>
      <ChartCard title="Latency" description="p50, p95 and p99 of the whole request" testId="chart-latency">
        <LineChart data={data}>
          {axis.grid}{axis.x}{y(millis)}{axis.tooltip(millis)}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line dataKey="p50" name="p50" stroke={COLORS.success} dot={{ r: 2 }} isAnimationActive={false} />
          <Line dataKey="p95" name="p95" stroke={COLORS.primary} dot={{ r: 2 }} isAnimationActive={false} />
          <Line dataKey="p99" name="p99" stroke={COLORS.warning} dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ChartCard>
      <ChartCard title="Time to first token" description="Streams: p50 and p95" testId="chart-ttft">
        <LineChart data={data}>
          {axis.grid}{axis.x}{y(millis)}{axis.tooltip(millis)}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line dataKey="ttftP50" name="p50" stroke={COLORS.success} dot={{ r: 2 }} isAnimationActive={false} />
          <Line dataKey="ttftP95" name="p95" stroke={COLORS.primary} dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ChartCard>
      <ChartCard title="Tokens" description="Input and output, per step" testId="chart-tokens">
        <AreaChart data={data}>
          {axis.grid}{axis.x}{y((v) => count.format(v))}{axis.tooltip((v) => v.toLocaleString("en-US"))}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Area dataKey="inputTokens" name="Input" stackId="t" stroke={COLORS.primary} fill={COLORS.primary} fillOpacity={0.3} isAnimationActive={false} />
          <Area dataKey="outputTokens" name="Output" stackId="t" stroke={COLORS.success} fill={COLORS.success} fillOpacity={0.3} isAnimationActive={false} />
        </AreaChart>
      </ChartCard>
      <ChartCard title="Cost" description="Priced at each version's rates, per step" testId="chart-cost">
        <BarChart data={data}>
          {axis.grid}{axis.x}{y(dollars)}{axis.tooltip((v) => `$${v.toFixed(6)}`)}
          <Bar dataKey="costUsd" name="Cost" fill={COLORS.primary} isAnimationActive={false} />
        </BarChart>
      </ChartCard>
    </div>
  );
}
