"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** A version's daily PSI against its reference, with the threshold past which a shift is major. */
export function DriftChart({ points, threshold }: { points: { t: number; outputs: number | null; latency: number | null; finishes: number | null }[]; threshold: number }) {
  return (
    <div className="h-56" data-testid="chart-drift">
      <ResponsiveContainer width="100%" height="100%" minWidth={0}>
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="t" type="category" tickFormatter={(t) => day.format(new Date(Number(t)))} tick={{ fontSize: 11 }} stroke="var(--muted-foreground)" minTickGap={16} />
          <YAxis tick={{ fontSize: 11 }} stroke="var(--muted-foreground)" width={40} />
          <Tooltip labelFormatter={(t) => day.format(new Date(Number(t)))} formatter={(v) => (typeof v === "number" ? v.toFixed(3) : "—")} contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", fontSize: 12 }} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <ReferenceLine y={threshold} stroke="var(--destructive)" strokeDasharray="4 4" label={{ value: `PSI ${threshold}`, fontSize: 11, fill: "var(--destructive)", position: "insideTopRight" }} />
          <Line dataKey="outputs" name="Output length PSI" stroke="var(--primary)" dot isAnimationActive={false} connectNulls={false} />
          <Line dataKey="latency" name="Latency PSI" stroke="var(--success)" dot isAnimationActive={false} connectNulls={false} />
          <Line dataKey="finishes" name="Finish reasons PSI" stroke="var(--warning)" dot isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
