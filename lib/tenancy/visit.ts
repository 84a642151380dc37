import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import type { Caller } from "./caller";

/** A platform admin's visit to a tenant is written at most once in this long. */
export const VISIT_WINDOW_MS = 15 * 60_000;

/**
 * Puts the platform admin's read-only visit on the tenant's own audit chain: a `platform.visited`
 * event when they open any of its pages or routes and have none there from the last
 * VISIT_WINDOW_MS. The tenant row is locked first (as every chain append does), so the parallel
 * loads of one page write one event, not several.
 */
export async function recordAdminVisit(admin: { id: string; email: string }, tenantId: string, caller: Pick<Caller, "ip" | "userAgent" | "requestId">) {
  await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "Tenant" WHERE "id" = ${tenantId} FOR UPDATE`;
    const since = new Date(Date.now() - VISIT_WINDOW_MS);
    const recent = await tx.auditEvent.findFirst({
      where: { tenantId, actorId: admin.id, action: "platform.visited", createdAt: { gte: since } },
      select: { id: true },
    });
    if (recent) return;
    await recordAudit(tx, tenantId, { type: "USER", id: admin.id, label: admin.email }, caller, {
      action: "platform.visited",
      resourceType: "tenant",
      resourceId: tenantId,
      after: { readOnly: true },
    });
  });
}
