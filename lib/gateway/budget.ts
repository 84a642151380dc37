import { db } from "@/lib/db/client";
import { spendSince } from "@/lib/monitoring/spend";
import { quotaExceeded } from "./errors";
import { andThen, type MaybePromise } from "./maybe-promise";

type Spent = { month: string; usd: number; loadedAt: number; until: number };

/** Settles a request's budget reservation: gives it back and counts what the request really cost. */
export type BudgetLease = { settle: (actualUsd: number) => void };

/** Who a budget is for: a tenant (`id` = `tenantId`) or one of its keys. */
export type BudgetSubject = { id: string; tenantId?: string; monthlyBudgetUsd: number | null };

/** Reads a subject's spend in USD since `since` (a UTC month start). */
export type SpendLoader = (subject: { id: string; tenantId: string }, since: Date) => Promise<number>;

const monthOf = (date: Date) => date.toISOString().slice(0, 7);
const nextMonthStart = (now: Date) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
// Sums and comparisons in units of 1e-8 USD, the precision RequestRecord.costUsd keeps: ten
// reservations of $0.10 then fill a $1.00 budget exactly instead of missing it by a float's ulp.
const units = (usd: number) => Math.round(usd * 1e8);
const dollars = (usd: number) => `$${usd.toFixed(usd !== 0 && usd < 1 ? 4 : 2)}`;

/**
 * Tenants' spend this calendar month (UTC) against their monthly budget, with the estimated cost
 * of requests in flight held against it. The sum of the request records is read once, re-read in
 * the background every `refreshMs`, and grown in memory as requests settle, so admission costs no
 * query on the hot path.
 *
 * Reservations live in this process's memory: several instances behind a load balancer each hold
 * only their own requests in flight, and see each other's spend at the next refresh, so together
 * they can pass a budget by up to what the others have in flight plus one refresh's spend. Shared
 * reservations (Redis) would close that gap when Keel runs as more than one instance.
 */
export class Budget {
  private readonly spent = new Map<string, Spent>();
  private readonly loading = new Map<string, Promise<Spent>>();
  /** Per tenant, the cost held for requests in flight (1e-8 USD) and how many hold it. */
  private readonly reserved = new Map<string, { units: number; leases: number }>();
  /** Costs settled while a tenant's sum is being re-read, added on top of the new sum. */
  private readonly settledDuringLoad = new Map<string, number>();

  constructor(
    private readonly refreshMs: number,
    private readonly loadSpend: SpendLoader = tenantSpend,
    /** What the messages call the subject: "tenant" or "API key". */
    private readonly noun = "tenant",
  ) {}

  /**
   * Holds `estimateUsd` against the tenant's budget until the lease is settled. Throws 429
   * insufficient_quota when the month's spend, what requests in flight hold, and this estimate
   * together would pass the budget (a null budget holds nothing, but the lease still counts spend).
   */
  reserve(tenant: BudgetSubject, estimateUsd: number): MaybePromise<BudgetLease> {
    const budget = tenant.monthlyBudgetUsd;
    if (budget === null) return this.lease(tenant.id, 0);
    const spent = this.current({ id: tenant.id, tenantId: tenant.tenantId ?? tenant.id });
    // A spend this instance knows is used at once; only a first read (or a month's turn) waits.
    return andThen(spent, (s) => this.hold(tenant, budget, s, estimateUsd));
  }

  /** From the spend read to the reservation nothing awaits, so concurrent requests each see the others' holds. */
  private hold(tenant: BudgetSubject, budget: number, spent: Spent, estimateUsd: number): BudgetLease {
    const held = this.reserved.get(tenant.id);
    const heldUnits = held?.units ?? 0;
    const estimateUnits = units(estimateUsd);
    if (units(spent.usd) >= units(budget)) {
      throw quotaExceeded(
        `This ${this.noun} has reached its monthly budget of ${dollars(budget)} (spent ${dollars(spent.usd)} in ${spent.month}). ` +
          "Raise the budget in the console or wait for next month.",
      );
    }
    if (estimateUnits > units(budget)) {
      throw quotaExceeded(
        `This request could cost up to ${dollars(estimateUsd)}, more than this ${this.noun}'s monthly budget of ${dollars(budget)}. ` +
          "Set a lower max_tokens (or max_completion_tokens), or raise the budget in the console.",
      );
    }
    if (units(spent.usd) + heldUnits + estimateUnits > units(budget)) {
      throw quotaExceeded(
        `This request could cost up to ${dollars(estimateUsd)}; with ${dollars(spent.usd)} spent in ${spent.month} and ` +
          `${dollars(heldUnits / 1e8)} held for requests in flight, that would pass this ${this.noun}'s monthly budget of ${dollars(budget)}. ` +
          "Retry once they finish, set a lower max_tokens, or raise the budget in the console.",
      );
    }
    if (estimateUnits === 0) return this.lease(tenant.id, 0);
    if (held) {
      held.units += estimateUnits;
      held.leases++;
    } else {
      this.reserved.set(tenant.id, { units: estimateUnits, leases: 1 });
    }
    return this.lease(tenant.id, estimateUnits);
  }

  /** Requests in flight and what they hold, for tests and diagnostics. */
  held(tenantId: string): { usd: number; leases: number } {
    const held = this.reserved.get(tenantId);
    return { usd: (held?.units ?? 0) / 1e8, leases: held?.leases ?? 0 };
  }

  /** This month's spend as this instance knows it, or null before it was first read. */
  spentUsd(tenantId: string): number | null {
    const entry = this.spent.get(tenantId);
    return entry && Date.now() < entry.until ? entry.usd : null;
  }

  /** A lease that gives back `heldUnits` and counts the actual cost, once, however often it is settled. */
  private lease(tenantId: string, heldUnits: number): BudgetLease {
    let settled = false;
    return {
      settle: (actualUsd) => {
        if (settled) return;
        settled = true;
        if (heldUnits > 0) this.release(tenantId, heldUnits);
        if (actualUsd > 0) this.add(tenantId, actualUsd);
      },
    };
  }

  private release(tenantId: string, heldUnits: number) {
    const held = this.reserved.get(tenantId);
    if (!held) return;
    held.units -= heldUnits;
    // The last lease out removes the entry: memory stays with tenants that have requests in flight.
    if (--held.leases <= 0) this.reserved.delete(tenantId);
  }

  /** Counts a settled request's cost towards the tenant's month. */
  private add(tenantId: string, usd: number): void {
    const entry = this.spent.get(tenantId);
    if (entry && Date.now() < entry.until) entry.usd += usd;
    const during = this.settledDuringLoad.get(tenantId);
    if (during !== undefined) this.settledDuringLoad.set(tenantId, during + usd);
  }

  private current(subject: { id: string; tenantId: string }): MaybePromise<Spent> {
    const tenantId = subject.id;
    const entry = this.spent.get(tenantId);
    const now = Date.now();
    const fresh = entry !== undefined && now < entry.until;
    if (fresh && now - entry.loadedAt < this.refreshMs) return entry;
    let pending = this.loading.get(tenantId);
    if (!pending) {
      pending = this.load(subject, new Date(now)).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, pending);
    }
    // This month's figure, slightly old, is good enough while the new one loads.
    if (fresh) {
      pending.catch((error: unknown) => console.error(`[gateway] could not refresh a ${this.noun}'s spend:`, error));
      return entry;
    }
    return pending;
  }

  private async load(subject: { id: string; tenantId: string }, now: Date): Promise<Spent> {
    const tenantId = subject.id;
    // A request settling while the sum is read may or may not be in it; counting it on top errs
    // towards refusing early, for one refresh, rather than towards passing the budget.
    this.settledDuringLoad.set(tenantId, 0);
    try {
      const usd = await this.loadSpend(subject, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
      const spent = { month: monthOf(now), usd: usd + (this.settledDuringLoad.get(tenantId) ?? 0), loadedAt: Date.now(), until: nextMonthStart(now) };
      this.spent.set(tenantId, spent);
      return spent;
    } finally {
      this.settledDuringLoad.delete(tenantId);
    }
  }
}

/**
 * A tenant's spend this month from the day rollups and the records after them (one statement):
 * exact as the records' sum, without reading a month of records every refresh.
 */
export const tenantSpend: SpendLoader = async (subject, since) => (await spendSince(db(), subject.tenantId, since)).total;

/**
 * A key's spend this month, the same way. One read serves every key of the tenant refreshed
 * within a second of it: a tenant with many budgeted keys costs one query per refresh, not one per key.
 */
export const keySpend: SpendLoader = async (subject, since) => (await tenantKeySpend(subject.tenantId, since)).get(subject.id) ?? 0;

const keySpendReads = new Map<string, { at: number; since: number; read: Promise<Map<string, number>> }>();
function tenantKeySpend(tenantId: string, since: Date): Promise<Map<string, number>> {
  const now = Date.now();
  const cached = keySpendReads.get(tenantId);
  if (cached && now - cached.at < 1_000 && cached.since === since.getTime()) return cached.read;
  for (const [id, entry] of keySpendReads) if (now - entry.at >= 1_000) keySpendReads.delete(id);
  const read = spendSince(db(), tenantId, since).then((s) => s.byKey);
  read.catch(() => keySpendReads.delete(tenantId));
  keySpendReads.set(tenantId, { at: now, since: since.getTime(), read });
  return read;
}
