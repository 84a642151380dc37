import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { isoMicros } from "../record-rows";
import { RANK, compareCursors, type Cursor } from "./cursor";
import { onlyChanges, onlyRequests, type TrailFilters } from "./filters";

/** A change event as the explorer reads it: every field its hash covers, and its links. */
export type ChangeRow = {
  kind: "change";
  id: string;
  tenantId: string;
  seq: number;
  at: Date;
  actorType: "USER" | "API_KEY" | "SYSTEM";
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
};

/** A request record as the explorer reads it: every canonical field (lib/audit/request-record-hash.ts), cost as numeric text. */
export type RequestRow = {
  kind: "request";
  id: string;
  tenantId: string;
  at: Date;
  /** The database's clock at insert, with microseconds (ISO text): where the record sits in seal order. */
  insertedAt: string;
  apiKeyId: string | null;
  userId: string | null;
  endpointId: string | null;
  endpointName: string | null;
  modelVersionId: string | null;
  route: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  costUsd: string;
  latencyMs: number;
  ttftMs: number | null;
  attempts: number;
  inputHash: string | null;
  finishReason: string | null;
  routedVersionId: string | null;
  endUser: string | null;
  /** The record's MAC as stored, which an export checks each row against. */
  mac: string | null;
};

export type TrailRow = ChangeRow | RequestRow;

export type TrailPage = {
  rows: TrailRow[];
  /** Where the next page (further in the chosen order) starts; null on the last page. */
  next: Cursor | null;
  /** Where the previous page ends; null on the first page. */
  prev: Cursor | null;
};

export type PageRequest = { order: "asc" | "desc"; cursor: Cursor | null; back: boolean; size: number };

export const cursorOf = (row: TrailRow): Cursor => ({ at: row.at, rank: RANK[row.kind], id: row.id });

/**
 * One page of the tenant's trail, change events and request records together in time order,
 * filtered and paged in the database. Paging is by keyset (the last row shown), so page 1,000
 * costs what page 1 costs: each side reads at most a page and one row through an index whose
 * columns start with the tenant and the time, or with the tenant and the filtered column.
 */
export async function exploreTrail(ctx: { tenantId: string }, filters: TrailFilters, page: PageRequest): Promise<TrailPage> {
  // Reading backwards (the page before a cursor) scans in the opposite order, then turns the rows round.
  const scanDesc = (page.order === "desc") !== page.back;
  const take = page.size + 1;
  const [changes, requests] = await Promise.all([
    onlyRequests(filters) ? [] : readChanges(ctx.tenantId, filters, page.cursor, scanDesc, take),
    onlyChanges(filters) ? [] : readRequests(ctx.tenantId, filters, page.cursor, scanDesc, take),
  ]);
  const merged = merge(changes, requests, scanDesc);
  const more = merged.length > page.size;
  const rows = merged.slice(0, page.size);
  if (page.back) rows.reverse();
  const first = rows.length ? cursorOf(rows[0]) : null;
  const last = rows.length ? cursorOf(rows[rows.length - 1]) : null;
  return page.back
    ? { rows, prev: more ? first : null, next: page.cursor && rows.length ? last : page.cursor }
    : { rows, next: more ? last : null, prev: page.cursor && rows.length ? first : null };
}

function merge(a: TrailRow[], b: TrailRow[], desc: boolean): TrailRow[] {
  const out: TrailRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length) out.push(a[i++]);
    else if (i >= a.length) out.push(b[j++]);
    else {
      const c = compareCursors(cursorOf(a[i]), cursorOf(b[j]));
      out.push((desc ? c > 0 : c < 0) ? a[i++] : b[j++]);
    }
  }
  return out;
}

/**
 * The keyset condition for one side (its rank) against the cursor, in the scan's direction: rows
 * strictly past the cursor in (time, rank, id) order.
 */
function past(cursor: Cursor | null, rank: 0 | 1, desc: boolean, at: Prisma.Sql, id: Prisma.Sql): Prisma.Sql {
  if (!cursor) return Prisma.sql`TRUE`;
  if (rank === cursor.rank) return desc ? Prisma.sql`(${at}, ${id}) < (${ts(cursor.at)}, ${cursor.id})` : Prisma.sql`(${at}, ${id}) > (${ts(cursor.at)}, ${cursor.id})`;
  // The other kind's rows at the cursor's very millisecond are past it only on one side.
  const sameMillisecondPast = desc ? rank < cursor.rank : rank > cursor.rank;
  if (desc) return sameMillisecondPast ? Prisma.sql`${at} <= ${ts(cursor.at)}` : Prisma.sql`${at} < ${ts(cursor.at)}`;
  return sameMillisecondPast ? Prisma.sql`${at} >= ${ts(cursor.at)}` : Prisma.sql`${at} > ${ts(cursor.at)}`;
}

/** A time as a parameter: ISO text cast in SQL, so no session time zone can shift it. */
const ts = (d: Date) => Prisma.sql`${d.toISOString()}::timestamptz`;
const and = (parts: Prisma.Sql[]) => Prisma.join(parts, " AND ");

/**
 * A version's changes are its endpoint's events that name it, in the fields endpoint events name
 * versions in (lib/endpoints: created, version added, activated, priced, fallbacks set). Exact
 * keys, not a text search of the JSON: the endpoint's events are then read newest first through
 * (tenantId, resourceType, resourceId, createdAt) until a page is found (measured: a text LIKE
 * read all 30,000 events of a busy endpoint, 130-280 ms; this, 0.1 ms).
 */
function namesVersion(versionId: string): Prisma.Sql {
  const v = versionId;
  return Prisma.sql`(
    "after"->>'activeVersionId' = ${v} OR "before"->>'activeVersionId' = ${v} OR "after"->>'versionId' = ${v} OR "before"->>'versionId' = ${v}
    OR "after"->'version'->>'id' = ${v} OR "after"->'activeVersion'->>'id' = ${v} OR "after"->'versionAwaitingPrices'->>'id' = ${v}
    OR "after"->'fallbackVersionIds' @> to_jsonb(${v}::text) OR "before"->'fallbackVersionIds' @> to_jsonb(${v}::text))`;
}

async function readChanges(tenantId: string, f: TrailFilters, cursor: Cursor | null, desc: boolean, take: number): Promise<ChangeRow[]> {
  const where: Prisma.Sql[] = [Prisma.sql`"tenantId" = ${tenantId}`];
  if (f.from) where.push(Prisma.sql`"createdAt" >= ${ts(f.from)}`);
  if (f.to) where.push(Prisma.sql`"createdAt" <= ${ts(f.to)}`);
  if (f.actor?.type === "system") where.push(Prisma.sql`"actorType" = 'SYSTEM'`);
  else if (f.actor) where.push(Prisma.sql`"actorType" = ${f.actor.type === "user" ? "USER" : "API_KEY"}::"ActorType" AND "actorId" = ${f.actor.id}`);
  if (f.action) {
    // A family ("endpoint") stands for all its actions ("endpoint.created", ...): a range the index reads.
    where.push(f.action.includes(".") ? Prisma.sql`"action" = ${f.action}` : Prisma.sql`"action" > ${`${f.action}.`} AND "action" < ${`${f.action}/`}`);
  }
  if (f.resource) {
    where.push(Prisma.sql`"resourceType" = ${f.resource.type}`);
    if (f.resource.id) where.push(Prisma.sql`"resourceId" = ${f.resource.id}`);
  }
  if (f.endpointId) where.push(Prisma.sql`"resourceType" = 'endpoint' AND "resourceId" = ${f.endpointId}`);
  if (f.versionId) {
    const endpointId = await endpointOfVersion(tenantId, f.versionId);
    if (!endpointId) return [];
    where.push(Prisma.sql`"resourceType" = 'endpoint' AND "resourceId" = ${endpointId} AND ${namesVersion(f.versionId)}`);
  }
  if (f.requestId) where.push(Prisma.sql`"requestId" = ${f.requestId}`);
  where.push(past(cursor, RANK.change, desc, Prisma.sql`"createdAt"`, Prisma.sql`"id"`));
  const dir = desc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await db().$queryRaw<Omit<ChangeRow, "kind">[]>`
    SELECT "id", "tenantId", "seq", "createdAt" AS "at", "actorType"::text AS "actorType", "actorId", "actorLabel", "action", "resourceType", "resourceId",
           "requestId", "ip", "userAgent", "before", "after", "prevHash", "hash"
    FROM "AuditEvent" WHERE ${and(where)}
    ORDER BY "createdAt" ${dir}, "id" ${dir} LIMIT ${take}`;
  return rows.map((r) => ({ kind: "change", ...r }));
}

async function readRequests(tenantId: string, f: TrailFilters, cursor: Cursor | null, desc: boolean, take: number): Promise<RequestRow[]> {
  const where: Prisma.Sql[] = [Prisma.sql`"tenantId" = ${tenantId}`];
  if (f.from) where.push(Prisma.sql`"createdAt" >= ${ts(f.from)}`);
  if (f.to) where.push(Prisma.sql`"createdAt" <= ${ts(f.to)}`);
  if (f.actor?.type === "key") where.push(Prisma.sql`"apiKeyId" = ${f.actor.id}`);
  if (f.actor?.type === "user") where.push(Prisma.sql`"userId" = ${f.actor.id}`);
  if (f.endpointId) where.push(Prisma.sql`"endpointId" = ${f.endpointId}`);
  if (f.versionId) where.push(Prisma.sql`"modelVersionId" = ${f.versionId}`);
  const o = f.outcome;
  if (o?.kind === "ok") where.push(Prisma.sql`"status" < 400`);
  if (o?.kind === "error") where.push(Prisma.sql`"status" >= 400`);
  // The literal conditions beside the parameters let the planner use the partial indexes on failures.
  if (o?.kind === "status") where.push(o.status >= 400 ? Prisma.sql`"status" = ${o.status} AND "status" >= 400` : Prisma.sql`"status" = ${o.status}`);
  if (o?.kind === "code") where.push(Prisma.sql`"errorCode" = ${o.code} AND "errorCode" IS NOT NULL`);
  if (f.requestId) where.push(Prisma.sql`"id" = ${f.requestId}`);
  if (f.inputHash) where.push(Prisma.sql`"inputHash" = ${f.inputHash}`);
  // The literal condition lets the planner use the partial index on end users.
  if (f.endUser) where.push(Prisma.sql`"endUser" = ${f.endUser} AND "endUser" IS NOT NULL`);
  where.push(past(cursor, RANK.request, desc, Prisma.sql`"createdAt"`, Prisma.sql`"id"`));
  const dir = desc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await db().$queryRaw<Omit<RequestRow, "kind">[]>`
    SELECT "id", "tenantId", "createdAt" AS "at", ${Prisma.raw(isoMicros(`"insertedAt"`))} AS "insertedAt", "apiKeyId", "userId", "endpointId", "endpointName",
           "modelVersionId", "route", "stream", "status", "errorCode", "inputTokens", "outputTokens", "tokensEstimated", "costUsd"::text AS "costUsd",
           "latencyMs", "ttftMs", "attempts", "inputHash", "finishReason", "routedVersionId", "endUser", "mac"
    FROM "RequestRecord" WHERE ${and(where)}
    ORDER BY "createdAt" ${dir}, "id" ${dir} LIMIT ${take}`;
  return rows.map((r) => ({ kind: "request", ...r }));
}

async function endpointOfVersion(tenantId: string, versionId: string): Promise<string | null> {
  const version = await db().modelVersion.findFirst({ where: { tenantId, id: versionId }, select: { endpointId: true } });
  return version?.endpointId ?? null;
}
