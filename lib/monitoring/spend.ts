import type { PrismaClient } from "@/lib/db/client";

const HOUR = 3_600_000;

/** The tail of records the rollups have not reached, as SQL over "RequestRecord" r ($1 tenant, $2 from). */
const TAIL = `SELECT r."apiKeyId", r."costUsd", r."createdAt" FROM "RequestRecord" r
  LEFT JOIN "RollupCursor" c ON c."tenantId" = r."tenantId"
  WHERE r."tenantId" = $1 AND r."createdAt" >= $2
    AND (r."insertedAt", r."id") > (coalesce(c."lastInsertedAt", '-infinity'::timestamptz), coalesce(c."lastId", ''))`;

/**
 * A tenant's spend since `from` (a UTC day start), in total and per key, from the day rollups and
 * the records after them, in one statement (one snapshot: nothing counted twice).
 */
export async function spendSince(prisma: PrismaClient, tenantId: string, from: Date): Promise<{ total: number; byKey: Map<string, number> }> {
  const rows = await prisma.$queryRawUnsafe<{ key: string; usd: number }[]>(
    `SELECT "key", sum(usd)::float8 AS "usd" FROM (
       SELECT "apiKeyId" AS "key", "costUsd" AS usd FROM "UsageRollup"
       WHERE "tenantId" = $1 AND "grain" = 'DAY' AND "bucket" >= $2 AND "endpointId" = '' AND "userId" = ''
       UNION ALL SELECT '', "costUsd" FROM (${TAIL}) t
       UNION ALL SELECT "apiKeyId", "costUsd" FROM (${TAIL}) t WHERE "apiKeyId" IS NOT NULL
     ) s GROUP BY 1`,
    tenantId, from,
  );
  const byKey = new Map(rows.filter((r) => r.key !== "").map((r) => [r.key, r.usd]));
  return { total: rows.find((r) => r.key === "")?.usd ?? 0, byKey };
}

/** The tenant's spend per hour over `hours` whole hours ending at `end` (oldest first; hours without traffic are 0). */
export async function hourlySpend(prisma: PrismaClient, tenantId: string, end: number, hours: number): Promise<number[]> {
  const from = end - hours * HOUR;
  const rows = await prisma.$queryRawUnsafe<{ t: number; usd: number }[]>(
    `SELECT t, sum(usd)::float8 AS "usd" FROM (
       SELECT (extract(epoch FROM "bucket") * 1000)::float8 AS t, "costUsd" AS usd FROM "UsageRollup"
       WHERE "tenantId" = $1 AND "grain" = 'HOUR' AND "bucket" >= $2 AND "bucket" < $3 AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''
       UNION ALL SELECT (extract(epoch FROM date_trunc('hour', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') * 1000)::float8, "costUsd"
       FROM (${TAIL}) t WHERE "createdAt" < $3
     ) s GROUP BY 1`,
    tenantId, new Date(from), new Date(end),
  );
  const byHour = new Map(rows.map((r) => [r.t, r.usd]));
  return Array.from({ length: hours }, (_, i) => byHour.get(from + i * HOUR) ?? 0);
}
