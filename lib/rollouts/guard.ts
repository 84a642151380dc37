import type pg from "pg";
import { NO_REQUEST, recordAudit, type AuditActor } from "@/lib/audit/record";
import type { PrismaClient } from "@/lib/db/client";
import { publishInvalidation } from "@/lib/gateway/invalidation";
import type { JobQueue } from "@/lib/jobs/queue";
import { raiseAlerts } from "@/lib/monitoring/alerts/raise";
import type { NewAlert } from "@/lib/monitoring/alerts/evaluate";
import { rolloutEvidence, versionLabels, type Evidence } from "./evidence";
import { guardsOf } from "./schemas";

export const GUARD_JOB = "rollouts.guard";
const GUARD: AuditActor = { type: "SYSTEM", id: null, label: "rollout guard" };

type Db = { pool: pg.Pool; prisma: PrismaClient };

/**
 * Checks every running rollout's guards against its baseline over the current step's window, and
 * rolls back each one that breached: in one transaction the rollout ends ROLLED_BACK with its
 * reason and a signed audit event holds the breach and the figures; then the gateways drop the
 * endpoint (this process at once, the others over Redis, or within their cache's TTL), and a
 * ROLLBACK alert goes to the console and the tenant's webhook. Returns the ids rolled back.
 */
export async function guardRollouts(db: Db, queue: JobQueue, now = new Date()): Promise<string[]> {
  const running = await db.prisma.rollout.findMany({
    where: { status: "RUNNING", tenant: { status: "ACTIVE" } },
    include: { endpoint: { select: { name: true } } },
  });
  const rolledBack: string[] = [];
  for (const r of running) {
    try {
      const labels = await versionLabels(db.prisma, r);
      const evidence = await rolloutEvidence(db.prisma, r, guardsOf(r.guards), labels, now);
      const breaches = evidence.checks.filter((c) => c.breached);
      if (breaches.length === 0) continue;
      const reason = `Guard breached: ${breaches.map((b) => `${b.guard} (${b.rule}; baseline ${b.baseline || "n/a"}, candidate ${b.candidate}; ${b.note})`).join("; ")}`;
      if (await rollBack(db.prisma, r, reason, evidence, now)) rolledBack.push(r.id);
    } catch (error) {
      console.error(`[rollouts] checking rollout ${r.id} failed:`, error);
    }
  }
  await alertRollbacks(db, queue);
  return rolledBack;
}

async function rollBack(prisma: PrismaClient, r: { id: string; tenantId: string; endpointId: string; stepIndex: number }, reason: string, evidence: Evidence, now: Date): Promise<boolean> {
  const done = await prisma.$transaction(async (tx) => {
    // Only a rollout still running: a decision or a cancellation that committed first wins.
    const ended = await tx.rollout.updateMany({ where: { id: r.id, tenantId: r.tenantId, status: "RUNNING" }, data: { status: "ROLLED_BACK", endReason: reason, endedAt: now } });
    if (ended.count === 0) return false;
    await recordAudit(tx, r.tenantId, GUARD, NO_REQUEST, {
      action: "rollout.rolled_back",
      resourceType: "rollout",
      resourceId: r.id,
      before: { status: "RUNNING", step: r.stepIndex + 1 },
      after: { status: "ROLLED_BACK", reason, breached: evidence.checks.filter((c) => c.breached), baseline: evidence.baseline, candidate: evidence.candidate, window: { from: evidence.from, to: evidence.to } },
    });
    return true;
  });
  if (done) publishInvalidation([{ kind: "endpoint", tenantId: r.tenantId, endpointId: r.endpointId }]);
  return done;
}

/**
 * A ROLLBACK alert for every rolled-back rollout that has none yet: once each (its dedupe key), so a
 * crash between the rollback's commit and its alert only delays the alert to the next check.
 */
async function alertRollbacks(db: Db, queue: JobQueue): Promise<void> {
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT r."id" FROM "Rollout" r WHERE r."status" = 'ROLLED_BACK'
       AND NOT EXISTS (SELECT 1 FROM "Alert" a WHERE a."tenantId" = r."tenantId" AND a."dedupeKey" = 'rollback:' || r."id")`,
  );
  if (rows.length === 0) return;
  const recent = await db.prisma.rollout.findMany({ where: { id: { in: rows.map((r) => r.id) } }, include: { endpoint: { select: { name: true } } } });
  for (const r of recent) {
    const labels = await versionLabels(db.prisma, r);
    const alert: NewAlert = {
      kind: "ROLLBACK",
      severity: "CRITICAL",
      subjectType: "rollout",
      subjectId: r.id,
      title: `Rollout of ${labels.candidate} on ${r.endpoint.name} rolled back to ${labels.baseline}`,
      details: { rolloutId: r.id, endpointId: r.endpointId, endpoint: r.endpoint.name, candidate: labels.candidate, baseline: labels.baseline, reason: r.endReason },
      dedupeKey: `rollback:${r.id}`,
    };
    try {
      await raiseAlerts(db.pool, queue, r.tenantId, [alert]);
    } catch (error) {
      console.error(`[rollouts] raising the rollback alert of ${r.id} failed:`, error);
    }
  }
}


/**
 * The guard on the job queue: every `intervalMs` (30 s by default) one `rollouts.guard` job (at most
 * one waits, whatever the number of instances) checks every running rollout. A breach is rolled
 * back within one interval of the records that show it.
 */
export class RolloutGuard {
  private timer: NodeJS.Timeout | null = null;
  private stopWorker: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly intervalMs = 30_000,
  ) {}

  async start(): Promise<void> {
    this.stopWorker = await this.queue.register({
      name: GUARD_JOB, policy: "short", retryLimit: 1, retryDelaySeconds: 5, expireInSeconds: 120, pollingIntervalSeconds: 2,
      run: async () => void (await guardRollouts(this.db, this.queue)),
    });
    this.timer = setInterval(() => void this.nudge(), this.intervalMs);
    this.timer.unref();
    await this.nudge();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.stopWorker?.();
  }

  private async nudge(): Promise<void> {
    try {
      await this.queue.send(GUARD_JOB);
    } catch (error) {
      console.error("[rollouts] could not queue the guard check:", (error as Error).message);
    }
  }
}
