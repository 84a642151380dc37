import "server-only";
import { db } from "@/lib/db/client";
import { addValue, mergeInto, quantile } from "./histogram";
import { fromUnits, toUnits } from "./money";
import { rangeWindow, type RangeKey } from "./ranges";
import { TAIL_LIMIT, tailRecordsSql } from "./tail";

/** Whose traffic a series shows: the tenant's, one endpoint's (or one of its versions'), or one key's. */
export type UsageFilter = { endpointId?: string; versionId?: string; apiKeyId?: string };

export type UsagePoint = {
  t: number; requests: number; errors: number; errorRate: number | null;
  p50: number | null; p95: number | null; p99: number | null; ttftP50: number | null; ttftP95: number | null;
  inputTokens: number; outputTokens: number; costUsd: number;
};
export type UsageTotals = Omit<UsagePoint, "t"> & { cost: string; errorCodes: Record<string, number> };
/** `complete` is false while the rollups are far behind (a first start on a long history): the figures are short. */
export type UsageSeries = { from: number; to: number; stepMs: number; points: UsagePoint[]; totals: UsageTotals; complete: boolean };

type Row = {
  kind: "rollup" | "record"; t: number; requests: number; errors: number; codes: Record<string, number> | null;
  /** A rollup's histogram as array text ("{0,3,1}"), or a record's one value ("153"): text, which is far cheaper to bring over than int8[]. */
  inputTokens: number; outputTokens: number; cost: string; latency: string | null; ttft: string | null;
};
type Bucket = { requests: number; errors: number; inputTokens: number; outputTokens: number; cost: bigint; latency: number[]; ttft: number[] };


/**
 * The series of a range, one point per step (empty steps as zeros) and the range's totals, whose
 * percentiles come from the merged histograms. Rows are merged here rather than by SQL aggregates:
 * adding arrays in SQL cost more than the whole read (measured: 370 ms for 720 hours on the
 * embedded database). It reads the rollups, so its cost does not grow
 * with traffic, plus the few records the rollups have not reached yet (after the tenant's cursor),
 * in the same statement and so the same snapshot: a record is counted once, and a request
 * answered a moment ago is already in. The grouping filtered on is one the rollups keep
 * (lib/monitoring/rollup.ts): with a key, the endpoint is ignored.
 */
export async function usageSeries(ctx: { tenantId: string }, range: RangeKey, filter: UsageFilter = {}, now = Date.now()): Promise<UsageSeries> {
  const { from, to, stepMs, grain } = rangeWindow(range, now);
  const [endpointId, versionId, apiKeyId] = filter.apiKeyId ? ["", "", filter.apiKeyId] : [filter.endpointId ?? "", filter.endpointId ? (filter.versionId ?? "") : "", ""];
  const bin = (column: string) => `(extract(epoch FROM date_bin(make_interval(secs => $7::float8 / 1000), ${column}, '2000-01-01T00:00:00Z'::timestamptz)) * 1000)::float8`;
  const rows = await db().$queryRawUnsafe<Row[]>(
    `SELECT 'rollup' AS "kind", ${bin(`"bucket"`)} AS "t", "requests"::float8 AS "requests", "errors"::float8 AS "errors",
            "errorCodes" AS "codes", "inputTokens"::float8 AS "inputTokens", "outputTokens"::float8 AS "outputTokens",
            "costUsd"::text AS "cost", "latency"::text AS "latency", "ttft"::text AS "ttft"
     FROM "UsageRollup"
     WHERE "tenantId" = $1 AND "endpointId" = $2 AND "versionId" = $3 AND "apiKeyId" = $4 AND "userId" = '' AND "grain" = $8::"RollupGrain"
       AND "bucket" >= $5 AND "bucket" < $6
     UNION ALL
     (${tailRecordsSql(
       `'record', ${bin(`r."createdAt"`)}, 1, CASE WHEN r."status" >= 400 THEN 1 ELSE 0 END,
        CASE WHEN r."status" >= 400 THEN jsonb_build_object(coalesce(r."errorCode", 'http_' || r."status"), 1) END,
        r."inputTokens", r."outputTokens", r."costUsd"::text, r."latencyMs"::text, r."ttftMs"::text`,
       `r."createdAt" >= $5 AND r."createdAt" < $6 AND ($2 = '' OR r."endpointId" = $2) AND ($3 = '' OR r."modelVersionId" = $3) AND ($4 = '' OR r."apiKeyId" = $4)`,
       TAIL_LIMIT,
     )})`,
    ctx.tenantId, endpointId, versionId, apiKeyId, new Date(from), new Date(to), stepMs, grain,
  );
  const buckets = new Map<number, Bucket>();
  // A Map: providers name the codes, and "constructor" must count as a code, not read the prototype.
  const errorCodes = new Map<string, number>();
  let tail = 0;
  for (const r of rows) {
    let b = buckets.get(r.t);
    if (!b) buckets.set(r.t, (b = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cost: 0n, latency: [], ttft: [] }));
    b.requests += Number(r.requests);
    b.errors += Number(r.errors);
    b.inputTokens += Number(r.inputTokens);
    b.outputTokens += Number(r.outputTokens);
    b.cost += toUnits(r.cost ?? "0");
    for (const [code, n] of Object.entries(r.codes ?? {})) errorCodes.set(code, (errorCodes.get(code) ?? 0) + Number(n));
    if (r.kind === "rollup") {
      mergeInto(b.latency, histogramOf(r.latency));
      mergeInto(b.ttft, histogramOf(r.ttft));
    } else {
      tail += 1;
      addValue(b.latency, Number(r.latency));
      if (r.ttft !== null) addValue(b.ttft, Number(r.ttft));
    }
  }
  const all: Bucket = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cost: 0n, latency: [], ttft: [] };
  const points: UsagePoint[] = [];
  for (let t = from; t < to; t += stepMs) {
    const b = buckets.get(t);
    if (b) {
      all.requests += b.requests;
      all.errors += b.errors;
      all.inputTokens += b.inputTokens;
      all.outputTokens += b.outputTokens;
      all.cost += b.cost;
      mergeInto(all.latency, b.latency);
      mergeInto(all.ttft, b.ttft);
    }
    points.push(pointOf(t, b ?? null));
  }
  const { t: _t, ...totals } = pointOf(0, all);
  return { from, to, stepMs, points, totals: { ...totals, cost: fromUnits(all.cost), errorCodes: Object.fromEntries(errorCodes) }, complete: tail < TAIL_LIMIT };
}

/** A histogram from its array text: "{0,3,1}" → [0, 3, 1]. */
const histogramOf = (text: string | null): number[] => (text && text.length > 2 ? text.slice(1, -1).split(",").map(Number) : []);

function pointOf(t: number, b: Bucket | null): UsagePoint {
  const ms = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  if (!b) return { t, requests: 0, errors: 0, errorRate: null, p50: null, p95: null, p99: null, ttftP50: null, ttftP95: null, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  return {
    t, requests: b.requests, errors: b.errors, errorRate: b.requests ? b.errors / b.requests : null,
    p50: ms(quantile(b.latency, 0.5)), p95: ms(quantile(b.latency, 0.95)), p99: ms(quantile(b.latency, 0.99)),
    ttftP50: ms(quantile(b.ttft, 0.5)), ttftP95: ms(quantile(b.ttft, 0.95)),
    inputTokens: b.inputTokens, outputTokens: b.outputTokens, costUsd: Number(fromUnits(b.cost)),
  };
}

export type UsageShare = { id: string; name: string; requests: number; errors: number; costUsd: number; cost: string };

/** The range's requests, errors and cost per endpoint or per key, most requests first (top 20). */
export async function usageBreakdown(ctx: { tenantId: string }, range: RangeKey, by: "endpoint" | "key", now = Date.now()): Promise<UsageShare[]> {
  const { from, to, grain } = rangeWindow(range, now);
  const rows = await db().$queryRawUnsafe<{ id: string; name: string | null; requests: number; errors: number; cost: string }[]>(
    by === "endpoint"
      ? `SELECT u."endpointId" AS "id", e."name", sum(u."requests")::float8 AS "requests", sum(u."errors")::float8 AS "errors", sum(u."costUsd")::text AS "cost"
         FROM "UsageRollup" u LEFT JOIN "Endpoint" e ON e."id" = u."endpointId" AND e."tenantId" = u."tenantId"
         WHERE u."tenantId" = $1 AND u."endpointId" <> '' AND u."versionId" = '' AND u."apiKeyId" = '' AND u."userId" = '' AND u."grain" = $4::"RollupGrain"
           AND u."bucket" >= $2 AND u."bucket" < $3
         GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 20`
      : `SELECT u."apiKeyId" AS "id", k."name", sum(u."requests")::float8 AS "requests", sum(u."errors")::float8 AS "errors", sum(u."costUsd")::text AS "cost"
         FROM "UsageRollup" u LEFT JOIN "ApiKey" k ON k."id" = u."apiKeyId" AND k."tenantId" = u."tenantId"
         WHERE u."tenantId" = $1 AND u."apiKeyId" <> '' AND u."endpointId" = '' AND u."userId" = '' AND u."grain" = $4::"RollupGrain"
           AND u."bucket" >= $2 AND u."bucket" < $3
         GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 20`,
    ctx.tenantId, new Date(from), new Date(to), grain,
  );
  return rows.map((r) => ({ id: r.id, name: r.name ?? "(deleted)", requests: r.requests, errors: r.errors, costUsd: Number(r.cost), cost: r.cost }));
}

export type MonitoringSubjects = {
  endpoints: { id: string; name: string; versions: { id: string; label: string }[] }[];
  keys: { id: string; name: string; prefix: string }[];
};

/** What the monitoring filters offer: the tenant's endpoints with their versions, and its keys (newest 200). */
export async function monitoringSubjects(ctx: { tenantId: string }): Promise<MonitoringSubjects> {
  const [endpoints, keys] = await Promise.all([
    db().endpoint.findMany({
      where: { tenantId: ctx.tenantId },
      select: { id: true, name: true, versions: { where: { tenantId: ctx.tenantId }, select: { id: true, label: true }, orderBy: { createdAt: "asc" } } },
      orderBy: { name: "asc" },
    }),
    db().apiKey.findMany({ where: { tenantId: ctx.tenantId }, select: { id: true, name: true, prefix: true }, orderBy: { createdAt: "desc" }, take: 200 }),
  ]);
  return { endpoints, keys };
}
