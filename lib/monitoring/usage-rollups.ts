import { setImmediate as yieldToRequests } from "node:timers/promises";
import type pg from "pg";
import { watchCommittedRecords } from "@/lib/audit/committed-records";
import type { JobKind, JobQueue } from "@/lib/jobs/queue";
import { MINUTE_RETENTION_MS, purgeOldMinutes, rollupTenant, tenantsWithPendingRollups, type RollupOptions } from "./rollup";

export const ROLLUP_JOB = "monitoring.rollup";

export type UsageRollupsOptions = RollupOptions & {
  /** How often this process nudges the queue after its own records commit (1 s). */
  nudgeMs?: number;
  /** How often it nudges regardless, for records other instances wrote (15 s). */
  sweepMs?: number;
  /** One job stops after this long and queues the next, so a long catch-up never looks dead (20 s). */
  jobBudgetMs?: number;
};

/**
 * Keeps the usage rollups current, off the request path: the record writer's commits mark this
 * process dirty, a timer turns that into a `monitoring.rollup` job (at most one waits: the queue's
 * `short` policy), and whichever instance takes the job rolls up every tenant with records after
 * its cursor, oldest first. After a restart the first sweep finds what the last run left, so the
 * rollups catch up on their own; each batch moves its cursor in its own transaction, so none is
 * counted twice. The job retries on failure; a job whose process died expires and is retried.
 */
export class UsageRollups {
  private readonly opts: Required<Omit<UsageRollupsOptions, "now">> & Pick<UsageRollupsOptions, "now">;
  private dirty = false;
  private lastSweep = 0;
  private lastPurge = 0;
  private timer: NodeJS.Timeout | null = null;
  private unwatch: (() => void) | null = null;
  private unregister: (() => Promise<void>) | null = null;
  private stopped = false;

  constructor(private readonly pool: pg.Pool, private readonly queue: JobQueue, opts: UsageRollupsOptions = {}) {
    this.opts = {
      batchSize: opts.batchSize ?? 2000, marginMs: opts.marginMs ?? 1000, stallLimitMs: opts.stallLimitMs ?? 5 * 60_000,
      minuteRetentionMs: opts.minuteRetentionMs ?? MINUTE_RETENTION_MS, nudgeMs: opts.nudgeMs ?? 1000, sweepMs: opts.sweepMs ?? 15_000,
      jobBudgetMs: opts.jobBudgetMs ?? 20_000, now: opts.now,
    };
  }

  /** The queue's view of this work: what one job does, and how it retries. */
  kind(): JobKind {
    return {
      name: ROLLUP_JOB, policy: "short", retryLimit: 5, retryDelaySeconds: 2, expireInSeconds: 120, pollingIntervalSeconds: 0.5,
      run: () => this.runJob(),
    };
  }

  async start(): Promise<void> {
    this.unregister = await this.queue.register(this.kind());
    this.unwatch = watchCommittedRecords(() => this.recordsCommitted());
    this.timer = setInterval(() => void this.tick(), this.opts.nudgeMs);
    this.timer.unref();
    this.lastSweep = 0;
    await this.tick();
  }

  /** Records were committed: the next tick queues a rollup. This process's own commits call it; with the console apart, the gateway's process tells it. */
  recordsCommitted(): void {
    this.dirty = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unwatch?.();
    await this.unregister?.();
  }

  /** Rolls up everything committed so far, in this process (tests, the benchmark). */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const { records, more } = await this.rollupPending(Number.POSITIVE_INFINITY);
      total += records;
      if (!more) return total;
    }
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    if (this.stopped || (!this.dirty && now - this.lastSweep < this.opts.sweepMs)) return;
    this.dirty = false;
    this.lastSweep = now;
    try {
      await this.queue.send(ROLLUP_JOB);
    } catch (error) {
      console.error("[monitoring] could not queue a rollup:", (error as Error).message);
    }
  }

  private async runJob(): Promise<void> {
    const { more } = await this.rollupPending(this.opts.jobBudgetMs);
    if (more && !this.stopped) await this.queue.send(ROLLUP_JOB);
    // Records younger than the margin wait for the next run. When traffic stops no commit marks
    // the process dirty again, and they would wait for the sweep (15 s, measured): a nudge at the
    // next tick takes them once they are old enough.
    else if (!this.stopped && (await tenantsWithPendingRollups(this.pool)).length > 0) this.dirty = true;
    if (Date.now() - this.lastPurge > 10 * 60_000) {
      this.lastPurge = Date.now();
      const purged = await purgeOldMinutes(this.pool, new Date((this.opts.now?.() ?? Date.now()) - this.opts.minuteRetentionMs));
      if (purged > 0) console.log(`[monitoring] dropped ${purged} minute bucket(s) past their retention`);
    }
  }

  /** Rolls up tenants with pending records until done or past the budget; `more` says whether work was left. */
  private async rollupPending(budgetMs: number): Promise<{ records: number; more: boolean }> {
    const started = Date.now();
    let records = 0;
    let failed = false;
    for (const tenantId of await tenantsWithPendingRollups(this.pool)) {
      // One tenant whose rollup fails (an overflowing sum, say) must not hold every other tenant back.
      try {
        for (;;) {
          if (this.stopped || Date.now() - started > budgetMs) return { records, more: true };
          const batch = await rollupTenant(this.pool, tenantId, this.opts);
          if (!batch) break;
          records += batch.records;
          await yieldToRequests();
          if (batch.records < this.opts.batchSize) break;
        }
      } catch (error) {
        failed = true;
        console.error(`[monitoring] rolling up tenant ${tenantId}'s records failed; the others go on:`, error);
      }
    }
    if (failed && !this.stopped) throw new Error("Some tenants' rollups failed (see above); the job retries them.");
    return { records, more: false };
  }
}
