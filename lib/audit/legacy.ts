import type { Tx } from "@/lib/db/client";
import { isoMicros } from "./record-rows";

/** The migration that began signed heads and request record MACs. */
export const HARDENING_MIGRATION = "20261203153607_hardening";

/**
 * When the hardening migration finished here (also as ISO text with microseconds, to compare with
 * record cursors): rows older than that may lack a signed head or a MAC; newer ones without one
 * were not written by Keel. Null when the migration table has no such row. `_prisma_migrations`
 * is writable with the database password, so verify leans on this date only where nothing signed
 * speaks (see its callers).
 */
export async function hardeningAppliedAt(tx: Pick<Tx, "$queryRawUnsafe">): Promise<{ at: Date; iso: string } | null> {
  const rows = await tx.$queryRawUnsafe<{ at: Date; iso: string }[]>(
    `SELECT "finished_at" AS "at", ${isoMicros(`"finished_at"`)} AS "iso" FROM "_prisma_migrations"
     WHERE "migration_name" = $1 AND "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL ORDER BY "finished_at" LIMIT 1`,
    HARDENING_MIGRATION,
  );
  return rows[0] ?? null;
}
