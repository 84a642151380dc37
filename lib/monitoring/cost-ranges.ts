/** The cost explorer's windows (whole UTC days) and groupings; safe for the browser. */
export const COST_RANGES = {
  month: "This month (UTC)",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
} as const;
export type CostRange = keyof typeof COST_RANGES;

/** `user` is the member who spent (in the console, or through a key they created); `endUser`, the request's `user` field. */
export const COST_GROUPS = { endpoint: "Endpoint", version: "Version", key: "API key", user: "Member", endUser: "End user", day: "Day" } as const;
export type CostGroup = keyof typeof COST_GROUPS;

const DAY = 86_400_000;

export const parseCostRange = (v: unknown): CostRange => (typeof v === "string" && Object.hasOwn(COST_RANGES, v) ? (v as CostRange) : "30d");
export const parseCostGroup = (v: unknown): CostGroup => (typeof v === "string" && Object.hasOwn(COST_GROUPS, v) ? (v as CostGroup) : "endpoint");

/** The window of a range at `now`: from the start of its first UTC day to the end of today. */
export function costWindow(range: CostRange, now = Date.now()): { from: number; to: number } {
  const today = Math.floor(now / DAY) * DAY;
  const to = today + DAY;
  if (range === "month") {
    const d = new Date(now);
    return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to };
  }
  return { from: to - Number.parseInt(range, 10) * DAY, to };
}
