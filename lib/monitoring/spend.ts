import type { PrismaClient } from "@/lib/db/client";
import { TAIL_LIMIT, tailRecordsSql } from "./tail";

const HOUR = 3_600_000;

/**
 * The records the rollups have not reached since $2, as a CTE `tail`. Budgets read further into a
 * backlog than charts do: a key's hard budget is enforced from this figure.
 */
const TAIL = `WITH tail AS MATERIALIZED (${tailRecordsSql(`r."apiKeyId", r."costUsd", r."createdAt"`, `r."createdAt" >= $2`, 5 * TAIL_LIMIT)})`;

/**
 * A tenant's spend since `from` (a UTC day start), in total and per key, from the day rollups and
 * the records after them, in one statement (one snapshot: nothing counted twice).
 */
export async function spendSince(prisma: PrismaClient, tenantId: string, from: Date): Promise<{ total: number; byKey: Map<string, number> }> {
  const rows = await prisma.$queryRawUnsafe<{ key: string; usd: number }[]>(
    `${TAIL} SELECT "key", sum(usd)::float8 AS "usd" FROM (
       SELECT "apiKeyId" AS "key", "costUsd" AS usd FROM "UsageRollup"
       WHERE "tenantId" = $1 AND "grain" = 'DAY' AND "bucket" >= $2 AND "endpointId" = '' AND "userId" = ''
       UNION ALL SELECT '', "costUsd" FROM tail
       UNION ALL SELECT "apiKeyId", "costUsd" FROM tail WHERE "apiKeyId" IS NOT NULL
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
    `${TAIL} SELECT t, sum(usd)::float8 AS "usd" FROM (
       SELECT (extract(epoch FROM "bucket") * 1000)::float8 AS t, "costUsd" AS usd FROM "UsageRollup"
       WHERE "tenantId" = $1 AND "grain" = 'HOUR' AND "bucket" >= $2 AND "bucket" < $3 AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''
       UNION ALL SELECT (extract(epoch FROM date_trunc('hour', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') * 1000)::float8, "costUsd"
       FROM tail WHERE "createdAt" < $3
     ) s GROUP BY 1`,
    tenantId, new Date(from), new Date(end),
  );
  const byHour = new Map(rows.map((r) => [r.t, r.usd]));
  return Array.from({ length: hours }, (_, i) => byHour.get(from + i * HOUR) ?? 0);
}
