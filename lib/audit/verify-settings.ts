import type { PrismaClient } from "@/lib/db/client";
import { CONTENT_RETENTION_CHANGED } from "@/lib/privacy/mode";

export type SettingsVerdict = {
  ok: boolean;
  /** The tenant's content retention as the database holds it (null: input hashes only). */
  contentRetentionDays: number | null;
  /** What differs from the trail, or null. */
  problem: { reason: string } | null;
};

/**
 * Compares the setting that decides what the gateway keeps of each request (the content retention)
 * with the last audit event that set it. Only the settings action changes it, writing that event
 * in the same transaction; someone holding the database password could otherwise turn content
 * storage on unseen, and read the prompts it then keeps. One statement reads both, so a change
 * made meanwhile is seen whole. The event itself is vouched for by the chain's verification.
 */
export async function verifySettings(prisma: PrismaClient, tenantId: string): Promise<SettingsVerdict> {
  const [row] = await prisma.$queryRawUnsafe<{ live: number | null; seq: number | null; days: unknown }[]>(
    `SELECT t."contentRetentionDays" AS "live", e."seq", e."after"->'contentRetentionDays' AS "days"
     FROM "Tenant" t
     LEFT JOIN LATERAL (
       SELECT "seq", "after" FROM "AuditEvent"
       WHERE "tenantId" = t."id" AND "resourceType" = 'tenant' AND "resourceId" = t."id" AND "action" = $2
       ORDER BY "seq" DESC LIMIT 1
     ) e ON true
     WHERE t."id" = $1`,
    tenantId,
    CONTENT_RETENTION_CHANGED,
  );
  const live = row?.live ?? null;
  const recorded = typeof row?.days === "number" ? row.days : null;
  if (live === recorded) return { ok: true, contentRetentionDays: live, problem: null };
  const now = live === null ? "input hashes only" : `prompts and responses kept for ${live} days`;
  const trail = row?.seq == null ? "no event ever turned content storage on" : `event #${row.seq} last set ${recorded === null ? "input hashes only" : `${recorded} days`}`;
  return { ok: false, contentRetentionDays: live, problem: { reason: `the tenant's content retention is ${now} in the database, but ${trail}: it was changed behind Keel's back` } };
}
