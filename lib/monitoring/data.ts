import "server-only";
import { db } from "@/lib/db/client";

export type GatewaySummary = { requests: number; errors: number; p95Ms: number | null; costUsd: number };

/** Requests, errors, p95 latency and cost of the tenant's gateway traffic since a time. */
export async function gatewaySummary(ctx: { tenantId: string }, since: Date): Promise<GatewaySummary> {
  const [row] = await db().$queryRaw<{ requests: bigint; errors: bigint; p95: number | null; cost: string | null }[]>`
    SELECT count(*) AS requests,
           count(*) FILTER (WHERE "status" >= 400) AS errors,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") AS p95,
           sum("costUsd")::text AS cost
    FROM "RequestRecord"
    WHERE "tenantId" = ${ctx.tenantId} AND "createdAt" >= ${since}`;
  return {
    requests: Number(row.requests),
    errors: Number(row.errors),
    p95Ms: row.p95 === null ? null : Math.round(Number(row.p95)),
    costUsd: Number(row.cost ?? 0),
  };
}
