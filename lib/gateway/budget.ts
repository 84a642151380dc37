import { db } from "@/lib/db/client";
import { quotaExceeded } from "./errors";

type Spent = { month: string; usd: number; loadedAt: number; until: number };

const monthOf = (date: Date) => date.toISOString().slice(0, 7);
const nextMonthStart = (now: Date) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);

/**
 * Tenants' spend this calendar month (UTC) against their monthly budget. The sum of their request
 * records is read once, re-read in the background every `refreshMs`, and grown in memory as
 * requests complete, so the check costs no query on the hot path; other instances' spend shows up
 * at the next refresh.
 * Requests already in flight when the budget is reached may still finish over it.
 */
export class Budget {
  private readonly spent = new Map<string, Spent>();
  private readonly loading = new Map<string, Promise<Spent>>();

  constructor(private readonly refreshMs: number) {}

  /** Throws 429 insufficient_quota when the tenant has spent its budget (null budget = no cap). */
  async check(tenant: { id: string; monthlyBudgetUsd: number | null }): Promise<void> {
    if (tenant.monthlyBudgetUsd === null) return;
    const spent = await this.current(tenant.id);
    if (spent.usd >= tenant.monthlyBudgetUsd) {
      throw quotaExceeded(
        `This tenant has reached its monthly budget of $${tenant.monthlyBudgetUsd.toFixed(2)} (spent $${spent.usd.toFixed(2)} in ${spent.month}). ` +
          "Raise the budget in the console or wait for next month.",
      );
    }
  }

  /** Counts a completed request's cost towards the tenant's month. */
  add(tenantId: string, usd: number): void {
    const entry = this.spent.get(tenantId);
    if (entry && Date.now() < entry.until) entry.usd += usd;
  }

  private async current(tenantId: string): Promise<Spent> {
    const entry = this.spent.get(tenantId);
    const now = Date.now();
    const fresh = entry !== undefined && now < entry.until;
    if (fresh && now - entry.loadedAt < this.refreshMs) return entry;
    let pending = this.loading.get(tenantId);
    if (!pending) {
      pending = this.load(tenantId, new Date(now)).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, pending);
    }
    // This month's figure, slightly old, is good enough while the new one loads.
    if (fresh) {
      pending.catch((error: unknown) => console.error("[gateway] could not refresh a tenant's spend:", error));
      return entry;
    }
    return pending;
  }

  private async load(tenantId: string, now: Date): Promise<Spent> {
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const sum = await db().requestRecord.aggregate({ where: { tenantId, createdAt: { gte: since } }, _sum: { costUsd: true } });
    const spent = { month: monthOf(now), usd: Number(sum._sum.costUsd ?? 0), loadedAt: Date.now(), until: nextMonthStart(now) };
    this.spent.set(tenantId, spent);
    return spent;
  }
}
