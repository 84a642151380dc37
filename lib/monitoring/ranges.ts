/** The time ranges the monitoring screens offer, and the rollup grain and step each reads. */
export const RANGES = {
  "1h": { label: "Last hour", spanMs: 3_600_000, grain: "MINUTE", stepMs: 60_000 },
  "6h": { label: "Last 6 hours", spanMs: 6 * 3_600_000, grain: "MINUTE", stepMs: 5 * 60_000 },
  "24h": { label: "Last 24 hours", spanMs: 24 * 3_600_000, grain: "MINUTE", stepMs: 15 * 60_000 },
  "7d": { label: "Last 7 days", spanMs: 7 * 86_400_000, grain: "HOUR", stepMs: 3_600_000 },
  "30d": { label: "Last 30 days", spanMs: 30 * 86_400_000, grain: "HOUR", stepMs: 6 * 3_600_000 },
  "90d": { label: "Last 90 days", spanMs: 90 * 86_400_000, grain: "DAY", stepMs: 86_400_000 },
} as const satisfies Record<string, { label: string; spanMs: number; grain: "MINUTE" | "HOUR" | "DAY"; stepMs: number }>;

export type RangeKey = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeKey = "24h";

/** The range a query parameter names, or the default for anything else. */
export function parseRange(value: unknown): RangeKey {
  return typeof value === "string" && Object.hasOwn(RANGES, value) ? (value as RangeKey) : DEFAULT_RANGE;
}

/** The window a range covers at `now`: whole steps, the last one holding `now`. */
export function rangeWindow(range: RangeKey, now = Date.now()): { from: number; to: number; stepMs: number; grain: "MINUTE" | "HOUR" | "DAY" } {
  const { spanMs, stepMs, grain } = RANGES[range];
  const to = Math.floor(now / stepMs) * stepMs + stepMs;
  return { from: to - spanMs, to, stepMs, grain };
}
