import "server-only";
import { db } from "@/lib/db/client";
import { alertAuthentic } from "./alert-mac";

export type AlertRow = {
  id: string; kind: string; severity: "WARNING" | "CRITICAL"; title: string; createdAt: Date; acknowledgedAt: Date | null; acknowledgedBy: string | null;
  /** False for an alert without Keel's MAC, or changed since: written into the database by something else. */
  authentic: boolean;
  delivery: { status: string; attempts: number; lastError: string | null; lastStatus: number | null } | null;
};

const PAGE_SIZE = 50;

/** The tenant's alerts, newest first, open ones only unless `all`; each with its latest webhook delivery. */
export async function listAlerts(ctx: { tenantId: string }, opts: { all: boolean; page: number }): Promise<{ rows: AlertRow[]; total: number; pageSize: number }> {
  const where = { tenantId: ctx.tenantId, ...(opts.all ? {} : { acknowledgedAt: null }) };
  const [rows, total] = await Promise.all([
    db().alert.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (opts.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { deliveries: { where: { tenantId: ctx.tenantId }, orderBy: { createdAt: "desc" }, take: 1 } },
    }),
    db().alert.count({ where }),
  ]);
  const people = await db().user.findMany({ where: { id: { in: rows.flatMap((r) => (r.acknowledgedBy ? [r.acknowledgedBy] : [])) } }, select: { id: true, email: true } });
  const email = new Map(people.map((p) => [p.id, p.email]));
  return {
    total,
    pageSize: PAGE_SIZE,
    rows: rows.map((r) => ({
      id: r.id, kind: r.kind, severity: r.severity, title: r.title, createdAt: r.createdAt, acknowledgedAt: r.acknowledgedAt, authentic: alertAuthentic(r, r.mac),
      acknowledgedBy: r.acknowledgedBy ? (email.get(r.acknowledgedBy) ?? "a former member") : null,
      delivery: r.deliveries[0] ? { status: r.deliveries[0].status, attempts: r.deliveries[0].attempts, lastError: r.deliveries[0].lastError, lastStatus: r.deliveries[0].lastStatus } : null,
    })),
  };
}

/** How many alerts nobody has acknowledged yet. */
export function countOpenAlerts(ctx: { tenantId: string }): Promise<number> {
  return db().alert.count({ where: { tenantId: ctx.tenantId, acknowledgedAt: null } });
}

/** Where the tenant's alerts go and when budget alerts fire (never the signing secret). */
export async function alertSettings(ctx: { tenantId: string }): Promise<{ webhookUrl: string | null; budgetAlertPercents: number[] }> {
  const t = await db().tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { alertWebhookUrl: true, budgetAlertPercents: true } });
  return { webhookUrl: t.alertWebhookUrl, budgetAlertPercents: t.budgetAlertPercents };
}
