"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** Spend per UTC day as bars (the cost explorer's chart). */
export function DailyCostChart({ days }: { days: { t: number; cost: number }[] }) {
  return (
    <div className="h-56" data-testid="chart-daily-cost">
      <ResponsiveContainer width="100%" height="100%" minWidth={0}>
        <BarChart data={days}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="t" type="category" tickFormatter={(t) => day.format(new Date(Number(t)))} tick={{ fontSize: 11 }} stroke="var(--muted-foreground)" minTickGap={16} />
          <YAxis tickFormatter={(v: number) => `$${v >= 1 ? v.toFixed(0) : v.toPrecision(2)}`} tick={{ fontSize: 11 }} stroke="var(--muted-foreground)" width={56} />
          <Tooltip
            labelFormatter={(t) => day.format(new Date(Number(t)))}
            formatter={(v) => (typeof v === "number" ? `$${v.toFixed(6)}` : String(v))}
            contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", fontSize: 12 }}
          />
          <Bar dataKey="cost" name="Cost" fill="var(--primary)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
