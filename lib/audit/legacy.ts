import type { Tx } from "@/lib/db/client";
import { isoMicros } from "./record-rows";

/** The migration that began signed heads and request record MACs. */
export const HARDENING_MIGRATION = "20261203153607_hardening";

const FINISHED = `FROM "_prisma_migrations" WHERE "migration_name" = '${HARDENING_MIGRATION}' AND "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`;

/**
 * When the hardening migration finished here (also as ISO text with microseconds, to compare with
 * record cursors): rows older than that may lack a signed head or a MAC; newer ones without one
 * were not written by Keel. Null when the migration table has no such row. `_prisma_migrations`
 * is writable with the database password, so verify leans on this date only where nothing signed
 * speaks (see its callers).
 */
export async function hardeningAppliedAt(tx: Pick<Tx, "$queryRawUnsafe">): Promise<{ at: Date; iso: string } | null> {
  const rows = await tx.$queryRawUnsafe<{ at: Date; iso: string }[]>(
    `SELECT "finished_at" AS "at", ${isoMicros(`"finished_at"`)} AS "iso" ${FINISHED} ORDER BY "finished_at" LIMIT 1`,
  );
  return rows[0] ?? null;
}

/**
 * SQL for the time up to which the tenant (an SQL expression) may hold records without a MAC, as
 * ISO text, or NULL. Only a tenant that predates the migration can: its chain's first event is
 * older than the migration and unsigned (every tenant Keel created since has a signed first event,
 * and rewriting that event breaks the chain at Keel's signed head). Without this, anyone with the
 * database password could pass a MAC-less record off as legacy by its date alone.
 */
export function legacyUntilSql(tenant: string): string {
  return isoMicros(`(SELECT m."finished_at" FROM "AuditEvent" e, (SELECT "finished_at" ${FINISHED} ORDER BY "finished_at" LIMIT 1) m
    WHERE e."tenantId" = ${tenant} AND e."seq" = 1 AND e."createdAt" <= m."finished_at"
      AND NOT EXISTS (SELECT 1 FROM "AuditHead" h WHERE h."tenantId" = ${tenant} AND h."seq" = 1))`);
}

/** The tenant's bound for MAC-less records (see legacyUntilSql), or null when it may hold none. */
export async function legacyRecordsUntil(tx: Pick<Tx, "$queryRawUnsafe">, tenantId: string): Promise<string | null> {
  const [row] = await tx.$queryRawUnsafe<{ until: string | null }[]>(`SELECT ${legacyUntilSql("$1")} AS "until"`, tenantId);
  return row?.until ?? null;
}
