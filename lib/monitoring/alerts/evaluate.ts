import type { PrismaClient } from "@/lib/db/client";
import { hourlySpend, spendSince } from "../spend";

const HOUR = 3_600_000;
/** An hour's spend is an anomaly when it is at least this much, 3× the week's hourly mean, and 4 standard deviations above it. */
export const ANOMALY_FLOOR_USD = 0.1;
const KEY_BUDGET_PERCENTS = [80, 100];

export type NewAlert = {
  kind: "BUDGET" | "KEY_BUDGET" | "COST_ANOMALY" | "DRIFT" | "ROLLBACK";
  severity: "WARNING" | "CRITICAL";
  subjectType: string;
  subjectId: string;
  title: string;
  details: Record<string, unknown>;
  dedupeKey: string;
};

const usd = (v: number) => `$${v.toFixed(v < 1 ? 4 : 2)}`;

/**
 * The alerts a tenant's spend calls for now: each budget threshold passed this month (the tenant's
 * and each key's), and the last whole hour if its spend is far above the week before. Each has a
 * dedupe key, so raising the same one again adds nothing.
 */
export async function spendAlerts(prisma: PrismaClient, tenantId: string, now = Date.now()): Promise<NewAlert[]> {
  const d = new Date(now);
  const month = d.toISOString().slice(0, 7);
  const monthStart = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const tenant = await prisma.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { monthlyBudgetUsd: true, budgetAlertPercents: true, apiKeys: { where: { tenantId, monthlyBudgetUsd: { not: null } }, select: { id: true, name: true, monthlyBudgetUsd: true, budgetMode: true } } },
  });
  const alerts: NewAlert[] = [];
  if (tenant.monthlyBudgetUsd !== null || tenant.apiKeys.length > 0) {
    const spend = await spendSince(prisma, tenantId, monthStart);
    const budget = Number(tenant.monthlyBudgetUsd);
    if (tenant.monthlyBudgetUsd !== null && budget > 0) {
      for (const p of [...new Set(tenant.budgetAlertPercents)].sort((a, b) => a - b)) {
        if (spend.total < (budget * p) / 100) continue;
        alerts.push({
          kind: "BUDGET", severity: p >= 100 ? "CRITICAL" : "WARNING", subjectType: "tenant", subjectId: tenantId, dedupeKey: `budget:${month}:${p}`,
          title: `Spend reached ${p}% of the monthly budget: ${usd(spend.total)} of ${usd(budget)} in ${month}${p >= 100 ? "; the gateway refuses calls until the budget is raised or the month ends" : ""}`,
          details: { month, percent: p, spentUsd: spend.total, budgetUsd: budget },
        });
      }
    }
    for (const key of tenant.apiKeys) {
      const limit = Number(key.monthlyBudgetUsd);
      const spent = spend.byKey.get(key.id) ?? 0;
      for (const p of KEY_BUDGET_PERCENTS) {
        if (limit <= 0 || spent < (limit * p) / 100) continue;
        const hard = key.budgetMode === "HARD" && p >= 100;
        alerts.push({
          kind: "KEY_BUDGET", severity: p >= 100 ? "CRITICAL" : "WARNING", subjectType: "key", subjectId: key.id, dedupeKey: `key-budget:${key.id}:${month}:${p}`,
          title: `Key "${key.name}" reached ${p}% of its monthly budget: ${usd(spent)} of ${usd(limit)}${hard ? "; its calls are refused until the budget is raised or the month ends" : ""}`,
          details: { month, percent: p, spentUsd: spent, budgetUsd: limit, mode: key.budgetMode },
        });
      }
    }
  }
  const end = Math.floor(now / HOUR) * HOUR;
  const hours = await hourlySpend(prisma, tenantId, end, 169);
  const last = hours[168];
  const week = hours.slice(0, 168);
  const mean = week.reduce((s, v) => s + v, 0) / week.length;
  const sd = Math.sqrt(week.reduce((s, v) => s + (v - mean) ** 2, 0) / week.length);
  if (last >= ANOMALY_FLOOR_USD && last > 3 * mean && last > mean + 4 * sd) {
    const hour = new Date(end - HOUR).toISOString();
    alerts.push({
      kind: "COST_ANOMALY", severity: "WARNING", subjectType: "tenant", subjectId: tenantId, dedupeKey: `anomaly:${hour}`,
      title: `Spend in the hour from ${hour.slice(11, 16)} UTC was ${usd(last)}, ${mean > 0 ? `${(last / mean).toFixed(1)}× the hourly mean of the week before (${usd(mean)})` : "where the week before spent nothing"}`,
      details: { hourStart: hour, spentUsd: last, weekMeanUsd: mean, weekSdUsd: sd },
    });
  }
  return alerts;
}
