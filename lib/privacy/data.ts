import "server-only";
import { db } from "@/lib/db/client";
import { CONTENT_RETENTION_CHANGED } from "./mode";

/** What Keel holds of a request's content, as the request's detail shows it. */
export type RequestContentView =
  | { kind: "stored"; input: string; output: string | null; redactions: number; expiresAt: Date }
  /** Stored under a retention that has since run out, and deleted (or about to be, by the purger). */
  | { kind: "purged"; retentionDays: number }
  /** The tenant kept input hashes only when the request was made; `storingNow` when it has since turned storage on. */
  | { kind: "hashes-only"; storingNow: boolean }
  /** Storage was on, yet no content is held: its write failed, or it is still on its way. */
  | { kind: "missing" };

/**
 * A request record's content, redacted, while its retention lasts; otherwise why there is none,
 * from the tenant's setting when the request was made (the last change of it in the audit trail).
 */
export async function findRequestContent(
  ctx: { tenantId: string },
  record: { id: string; createdAt: Date },
  now = new Date(),
): Promise<RequestContentView> {
  const row = await db().requestContent.findFirst({
    where: { tenantId: ctx.tenantId, id: record.id, expiresAt: { gt: now } },
    select: { input: true, output: true, redactions: true, expiresAt: true },
  });
  if (row) return { kind: "stored", ...row };
  const retentionDays = await retentionAt(ctx, record.createdAt);
  if (retentionDays === null) {
    const tenant = await db().tenant.findUnique({ where: { id: ctx.tenantId }, select: { contentRetentionDays: true } });
    return { kind: "hashes-only", storingNow: (tenant?.contentRetentionDays ?? null) !== null };
  }
  return record.createdAt.getTime() + retentionDays * 86_400_000 <= now.getTime() ? { kind: "purged", retentionDays } : { kind: "missing" };
}

/** The tenant's content retention in force at `at`: the last change at or before it (none: hashes only). */
async function retentionAt(ctx: { tenantId: string }, at: Date): Promise<number | null> {
  const event = await db().auditEvent.findFirst({
    where: { tenantId: ctx.tenantId, resourceType: "tenant", resourceId: ctx.tenantId, action: CONTENT_RETENTION_CHANGED, createdAt: { lte: at } },
    orderBy: { seq: "desc" },
    select: { after: true },
  });
  const days = (event?.after as { contentRetentionDays?: unknown } | null)?.contentRetentionDays;
  return typeof days === "number" && Number.isInteger(days) && days > 0 ? days : null;
}
