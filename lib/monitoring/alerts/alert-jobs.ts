import type pg from "pg";
import type { PrismaClient } from "@/lib/db/client";
import type { JobQueue } from "@/lib/jobs/queue";
import type { OutboundPolicy } from "@/lib/net/outbound";
import { MAX_ATTEMPTS, attemptDelivery } from "./deliver";
import { driftAlerts } from "../drift/versions";
import { spendAlerts } from "./evaluate";
import { DELIVER_JOB, raiseAlerts } from "./raise";

export const EVALUATE_JOB = "alerts.evaluate";
/** Webhook deliveries this process attempts at once. */
const DELIVERY_WORKERS = 4;
const HOUR = 3_600_000;

/**
 * Raises alerts and delivers them, on the job queue: every `intervalMs` (60 s) one
 * `alerts.evaluate` job (at most one waits) checks every active tenant's budgets, hourly spend and versions' drift;
 * each new alert's webhook delivery is its own job, retried with backoff (5 s, 10 s, 20 s …) up to
 * MAX_ATTEMPTS, and survives a restart because it lives in the database. Deliveries run
 * DELIVERY_WORKERS at a time, so one tenant's hanging receiver does not hold back the others'.
 */
export class AlertJobs {
  private timer: NodeJS.Timeout | null = null;
  private readonly workers: (() => Promise<void>)[] = [];
  /**
   * The hour each tenant's drift was last checked in. Drift compares whole hours, so its findings
   * change once an hour: checking them every minute would cost a tenant with many versions sixty
   * times the reads on the shared connection for nothing.
   */
  private readonly driftChecked = new Map<string, number>();

  constructor(
    private readonly db: { pool: pg.Pool; prisma: PrismaClient },
    private readonly queue: JobQueue,
    private readonly policy: OutboundPolicy,
    private readonly opts: { intervalMs?: number; retryDelaySeconds?: number } = {},
  ) {}

  async start(): Promise<void> {
    this.workers.push(await this.queue.register({
      name: EVALUATE_JOB, policy: "short", retryLimit: 2, retryDelaySeconds: 10, expireInSeconds: 300, pollingIntervalSeconds: 2,
      run: async () => void (await this.evaluateAll()),
    }));
    this.workers.push(await this.queue.register<{ deliveryId: string }>({
      name: DELIVER_JOB, policy: "standard", retryLimit: MAX_ATTEMPTS - 1, retryDelaySeconds: this.opts.retryDelaySeconds ?? 5, expireInSeconds: 60, pollingIntervalSeconds: 2,
      // A receiver that never answers holds one worker for the attempt's timeout: the other tenants' alerts go out beside it.
      concurrency: DELIVERY_WORKERS,
      run: async ({ deliveryId }) => void (await attemptDelivery(this.db.prisma, this.policy, deliveryId)),
    }));
    this.timer = setInterval(() => void this.nudge(), this.opts.intervalMs ?? 60_000);
    this.timer.unref();
    await this.nudge();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const stop of this.workers.splice(0)) await stop();
  }

  /** Checks every active tenant now; returns the new alerts' ids (tests, and the job). */
  async evaluateAll(now = Date.now()): Promise<string[]> {
    const raised: string[] = [];
    const tenants = await this.db.prisma.tenant.findMany({ where: { status: "ACTIVE" }, select: { id: true } });
    for (const { id } of tenants) {
      try {
        const hour = Math.floor(now / HOUR);
        const drift = this.driftChecked.get(id) === hour ? [] : await driftAlerts(this.db.prisma, id, now);
        raised.push(...(await raiseAlerts(this.db.pool, this.queue, id, [...(await spendAlerts(this.db.prisma, id, now)), ...drift])));
        this.driftChecked.set(id, hour);
      } catch (error) {
        console.error(`[alerts] checking tenant ${id} failed:`, error);
      }
    }
    return raised;
  }

  private async nudge(): Promise<void> {
    try {
      await this.queue.send(EVALUATE_JOB);
    } catch (error) {
      console.error("[alerts] could not queue the alert check:", (error as Error).message);
    }
  }
}
