import "server-only";
import { db } from "@/lib/db/client";

export type AuditListParams = { action?: string; actor?: string; page: number; pageSize: number; dir: "asc" | "desc" };

/** A page of the tenant's audit events, newest first by default; filtered and paged in the database. */
export async function listAuditEvents(ctx: { tenantId: string }, params: AuditListParams) {
  const where = {
    tenantId: ctx.tenantId,
    ...(params.action ? { action: { startsWith: params.action } } : {}),
    ...(params.actor ? { actorLabel: { contains: params.actor, mode: "insensitive" as const } } : {}),
  };
  const [rows, total] = await Promise.all([
    db().auditEvent.findMany({
      where,
      orderBy: { seq: params.dir },
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      select: {
        id: true, seq: true, createdAt: true, actorType: true, actorLabel: true, action: true,
        resourceType: true, resourceId: true, before: true, after: true, ip: true, requestId: true, hash: true,
      },
    }),
    db().auditEvent.count({ where }),
  ]);
  return { rows, total };
}

/** The distinct actions recorded for the tenant, for the filter menu. */
export async function listAuditActions(ctx: { tenantId: string }): Promise<string[]> {
  const rows = await db().auditEvent.findMany({
    where: { tenantId: ctx.tenantId },
    distinct: ["action"],
    select: { action: true },
    orderBy: { action: "asc" },
  });
  return rows.map((r) => r.action);
}
