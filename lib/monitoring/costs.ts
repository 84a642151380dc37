import "server-only";
import { db } from "@/lib/db/client";
import { costWindow, type CostGroup, type CostRange } from "./cost-ranges";
import { fromUnits, toUnits } from "./money";
import { TAIL_LIMIT, tailRecordsSql } from "./tail";

export type CostRow = { id: string; name: string; requests: number; inputTokens: number; outputTokens: number; cost: string };
/** `complete` is false while the rollups are far behind (a first start on a long history): the figures are short. */
export type CostReport = { from: number; to: number; rows: CostRow[]; total: CostRow; days: { t: number; cost: number }[]; complete: boolean };

/** For each grouping: its id in a rollup row (`u`, with the key `k` joined), the rows that hold it, and its id in a record (`r`). */
const GROUPINGS: Record<CostGroup, { rollup: string; where: string; record: string; recordWhere: string }> = {
  endpoint: { rollup: `u."endpointId"`, where: `u."endpointId" <> '' AND u."versionId" = ''`, record: `r."endpointId"`, recordWhere: `r."endpointId" IS NOT NULL` },
  version: { rollup: `u."versionId"`, where: `u."versionId" <> ''`, record: `r."modelVersionId"`, recordWhere: `r."endpointId" IS NOT NULL AND r."modelVersionId" IS NOT NULL` },
  key: { rollup: `u."apiKeyId"`, where: `u."apiKeyId" <> ''`, record: `r."apiKeyId"`, recordWhere: `r."apiKeyId" IS NOT NULL` },
  // Spend is a person's when they made it in the console, or through a key they created.
  user: { rollup: `coalesce(nullif(u."userId", ''), k."createdById")`, where: `(u."userId" <> '' OR (u."apiKeyId" <> '' AND k."createdById" IS NOT NULL))`, record: `coalesce(r."userId", k."createdById")`, recordWhere: `coalesce(r."userId", k."createdById") IS NOT NULL` },
  // The request's `user` field: its rollups are a table of their own (EndUserRollup, read as `endUsers` in costReport), not UsageRollup's.
  endUser: { rollup: "", where: "", record: `r."endUser"`, recordWhere: `r."endUser" IS NOT NULL` },
  day: { rollup: `to_char(u."bucket" AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, where: `u."endpointId" = '' AND u."apiKeyId" = '' AND u."userId" = ''`, record: `to_char(r."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, recordWhere: `true` },
};
const TENANT_ROWS = `u."endpointId" = '' AND u."apiKeyId" = '' AND u."userId" = ''`;

type Part = { kind: "group" | "total" | "day" | "more"; id: string; requests: number; inputTokens: number; outputTokens: number; cost: string; tail: number };

/**
 * Spend of a window grouped one way, exact to the 1e-8 dollar, with the window's total and its
 * cost per day. It reads the day rollups and the records they have not reached yet, in one
 * statement, so the groups, the total and the days agree with each other and with the records.
 * The database ranks the groups and returns the costliest `maxRows`, the rest as one "(N more)"
 * row: a tenant may have millions of end users. What no group holds (a request refused before its
 * endpoint was known, a key nobody created, a request naming no end user) is one "(none)" row, so
 * the rows always add up to the total.
 */
export async function costReport(ctx: { tenantId: string }, range: CostRange, group: CostGroup, now = Date.now(), maxRows = MAX_GROUPS): Promise<CostReport> {
  const { from, to } = costWindow(range, now);
  const g = GROUPINGS[group];
  const endUsers = `SELECT 'group' AS "kind", u."endUser" AS "id", u."requests"::int8 AS n, u."inputTokens" AS it, u."outputTokens" AS ot, u."costUsd" AS cost, 0 AS tail
     FROM "EndUserRollup" u WHERE u."tenantId" = $1 AND u."day" >= $2 AND u."day" < $3`;
  const rollups = (kind: string, id: string, where: string) =>
    `SELECT '${kind}' AS "kind", ${id} AS "id", u."requests"::int8 AS n, u."inputTokens" AS it, u."outputTokens" AS ot, u."costUsd" AS cost, 0 AS tail
     FROM "UsageRollup" u LEFT JOIN "ApiKey" k ON k."id" = u."apiKeyId" AND k."tenantId" = u."tenantId"
     WHERE u."tenantId" = $1 AND u."grain" = 'DAY' AND u."bucket" >= $2 AND u."bucket" < $3 AND ${where}`;
  const records = (kind: string, id: string, where: string) =>
    `SELECT '${kind}', ${id}, 1::int8, r."inputTokens"::int8, r."outputTokens"::int8, r."costUsd", 1
     FROM tail r LEFT JOIN "ApiKey" k ON k."id" = r."apiKeyId" AND k."tenantId" = r."tenantId" WHERE ${where}`;
  const columns = (kind: string, id: string, from: string) =>
    `SELECT ${kind} AS "kind", ${id} AS "id", sum(n)::float8 AS "requests", sum(it)::float8 AS "inputTokens", sum(ot)::float8 AS "outputTokens", sum(cost)::text AS "cost", sum(tail)::float8 AS "tail" FROM ${from}`;
  const parts = await db().$queryRawUnsafe<Part[]>(
    `WITH tail AS MATERIALIZED (${tailRecordsSql(`r.*`, `r."createdAt" >= $2 AND r."createdAt" < $3`, TAIL_LIMIT)}),
     parts AS (
       ${group === "endUser" ? endUsers : rollups("group", g.rollup, g.where)} UNION ALL ${records("group", g.record, g.recordWhere)}
       UNION ALL ${rollups("total", "''", TENANT_ROWS)} UNION ALL ${records("total", "''", "true")}
       UNION ALL ${rollups("day", GROUPINGS.day.rollup, TENANT_ROWS)} UNION ALL ${records("day", GROUPINGS.day.record, "true")}),
     summed AS (SELECT "kind", "id", sum(n) AS n, sum(it) AS it, sum(ot) AS ot, sum(cost) AS cost, sum(tail) AS tail FROM parts GROUP BY 1, 2),
     ranked AS (SELECT s.*, row_number() OVER (ORDER BY s.cost DESC, s.n DESC, s."id") AS rank FROM summed s WHERE s."kind" = 'group')
     ${columns(`"kind"`, `"id"`, `summed WHERE "kind" <> 'group' GROUP BY 1, 2`)}
     UNION ALL ${columns(`'group'`, `"id"`, `ranked WHERE rank <= $4 GROUP BY 2`)}
     UNION ALL ${columns(`'more'`, `count(*)::text`, `ranked WHERE rank > $4 HAVING count(*) > 0`)}`,
    ctx.tenantId, new Date(from), new Date(to), group === "day" ? MAX_GROUPS : Math.min(maxRows, MAX_GROUPS),
  );
  const all = parts.find((p) => p.kind === "total");
  const complete = (all?.tail ?? 0) < TAIL_LIMIT;
  const total: CostRow = { id: "", name: "Total", requests: all?.requests ?? 0, inputTokens: all?.inputTokens ?? 0, outputTokens: all?.outputTokens ?? 0, cost: all?.cost ?? "0.00000000" };
  const groups = parts.filter((p) => p.kind === "group");
  const names = await namesOf(ctx, group, groups.map((p) => p.id));
  const rows: CostRow[] = groups.map((p) => ({ id: p.id, name: names.get(p.id) ?? p.id, requests: p.requests, inputTokens: p.inputTokens, outputTokens: p.outputTokens, cost: fromUnits(toUnits(p.cost)) }));
  const more = parts.find((p) => p.kind === "more");
  const shown = [...rows, ...(more ? [{ ...more, cost: fromUnits(toUnits(more.cost)) }] : [])];
  const rest = {
    requests: total.requests - shown.reduce((s, r) => s + r.requests, 0),
    inputTokens: total.inputTokens - shown.reduce((s, r) => s + r.inputTokens, 0),
    outputTokens: total.outputTokens - shown.reduce((s, r) => s + r.outputTokens, 0),
    cost: toUnits(total.cost) - shown.reduce((s, r) => s + toUnits(r.cost), 0n),
  };
  if (group !== "day" && (rest.requests !== 0 || rest.cost !== 0n)) rows.push({ id: "", name: "(none)", ...rest, cost: fromUnits(rest.cost) });
  const units = new Map(rows.map((r) => [r, toUnits(r.cost)]));
  rows.sort((a, b) => (group === "day" ? a.id.localeCompare(b.id) : Number(units.get(b)! - units.get(a)!) || b.requests - a.requests));
  if (more) {
    const n = Number(more.id);
    rows.push({ id: "", name: `(${n.toLocaleString("en-US")} more ${n === 1 ? GROUP_NOUNS[group][0] : GROUP_NOUNS[group][1]})`, requests: more.requests, inputTokens: more.inputTokens, outputTokens: more.outputTokens, cost: fromUnits(toUnits(more.cost)) });
  }
  const byDay = new Map(parts.filter((p) => p.kind === "day").map((p) => [p.id, Number(p.cost)]));
  const days: { t: number; cost: number }[] = [];
  for (let t = from; t < to; t += 86_400_000) days.push({ t, cost: byDay.get(new Date(t).toISOString().slice(0, 10)) ?? 0 });
  return { from, to, rows, total: { ...total, cost: fromUnits(toUnits(total.cost)) }, days, complete };
}

/** Groups a report lists at most; the rest are one row. */
const MAX_GROUPS = 100_000;
const GROUP_NOUNS: Record<CostGroup, [string, string]> = {
  endpoint: ["endpoint", "endpoints"], version: ["version", "versions"], key: ["key", "keys"], user: ["member", "members"], endUser: ["end user", "end users"], day: ["day", "days"],
};

/** Display names for a grouping's ids, looked up in the tenant only. */
async function namesOf(ctx: { tenantId: string }, group: CostGroup, ids: string[]): Promise<Map<string, string>> {
  if (group === "day" || group === "endUser" || ids.length === 0) return new Map(ids.map((id) => [id, id]));
  if (group === "endpoint") {
    const rows = await db().endpoint.findMany({ where: { tenantId: ctx.tenantId, id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
  if (group === "version") {
    const rows = await db().modelVersion.findMany({ where: { tenantId: ctx.tenantId, id: { in: ids } }, select: { id: true, label: true, endpoint: { select: { name: true } } } });
    return new Map(rows.map((r) => [r.id, `${r.endpoint.name} · ${r.label}`]));
  }
  if (group === "key") {
    const rows = await db().apiKey.findMany({ where: { tenantId: ctx.tenantId, id: { in: ids } }, select: { id: true, name: true, prefix: true } });
    return new Map(rows.map((r) => [r.id, `${r.name} (${r.prefix}…)`]));
  }
  // People who belonged to the tenant when they spent; a member since removed keeps their spend under their email.
  const rows = await db().user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name ? `${r.name} <${r.email}>` : r.email]));
}
