import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { TrailRow } from "./data";

/** Names for the ids a page of rows shows: keys, people, versions and their endpoints. */
export type TrailLabels = {
  keys: Record<string, { name: string; prefix: string }>;
  users: Record<string, string>;
  versions: Record<string, { label: string; endpointId: string }>;
};

/** The ids a page refers to, gathered from its rows and from any callers shown beside them. */
export function idsOf(rows: TrailRow[], callers: VersionCaller[] = []) {
  const ids = { keyIds: new Set<string>(), userIds: new Set<string>(), versionIds: new Set<string>() };
  for (const row of [...rows, ...callers]) {
    if ("kind" in row && row.kind === "change") continue;
    if (row.apiKeyId) ids.keyIds.add(row.apiKeyId);
    if (row.userId) ids.userIds.add(row.userId);
    if ("modelVersionId" in row && row.modelVersionId) ids.versionIds.add(row.modelVersionId);
  }
  return ids;
}

/** Looks up, in three short queries, the names of what a page refers to (the tenant's own only). */
export async function labelIds(ctx: { tenantId: string }, ids: ReturnType<typeof idsOf>): Promise<TrailLabels> {
  const { keyIds, userIds, versionIds } = ids;
  const [keys, users, versions] = await Promise.all([
    keyIds.size ? db().apiKey.findMany({ where: { tenantId: ctx.tenantId, id: { in: [...keyIds] } }, select: { id: true, name: true, prefix: true } }) : [],
    // People are named only when they belong to this tenant.
    userIds.size
      ? db().membership.findMany({ where: { tenantId: ctx.tenantId, userId: { in: [...userIds] } }, select: { user: { select: { id: true, email: true } } } })
      : [],
    versionIds.size
      ? db().modelVersion.findMany({ where: { tenantId: ctx.tenantId, id: { in: [...versionIds] } }, select: { id: true, label: true, endpointId: true } })
      : [],
  ]);
  return {
    keys: Object.fromEntries(keys.map((k) => [k.id, { name: k.name, prefix: k.prefix }])),
    users: Object.fromEntries(users.map((m) => [m.user.id, m.user.email])),
    versions: Object.fromEntries(versions.map((v) => [v.id, { label: v.label, endpointId: v.endpointId }])),
  };
}

export type VersionCaller = { apiKeyId: string | null; userId: string | null; requests: number; errors: number; first: Date; last: Date };

/**
 * "Who used version X between T1 and T2": every key and person whose requests that version
 * answered in the window, busiest first (at most 50).
 */
export async function versionCallers(ctx: { tenantId: string }, versionId: string, window: { from?: Date; to?: Date }): Promise<VersionCaller[]> {
  const where: Prisma.Sql[] = [Prisma.sql`"tenantId" = ${ctx.tenantId}`, Prisma.sql`"modelVersionId" = ${versionId}`];
  if (window.from) where.push(Prisma.sql`"createdAt" >= ${window.from.toISOString()}::timestamptz`);
  if (window.to) where.push(Prisma.sql`"createdAt" <= ${window.to.toISOString()}::timestamptz`);
  const rows = await db().$queryRaw<(Omit<VersionCaller, "requests" | "errors"> & { requests: bigint; errors: bigint })[]>`
    SELECT "apiKeyId", "userId", count(*) AS "requests", count(*) FILTER (WHERE "status" >= 400) AS "errors", min("createdAt") AS "first", max("createdAt") AS "last"
    FROM "RequestRecord" WHERE ${Prisma.join(where, " AND ")}
    GROUP BY "apiKeyId", "userId" ORDER BY count(*) DESC LIMIT 50`;
  return rows.map((r) => ({ ...r, requests: Number(r.requests), errors: Number(r.errors) }));
}

export type Activation = { seq: number; at: Date; action: string; actorLabel: string | null; actorType: string };

/**
 * "Who activated the version that answered": the last change event, at or before `at`, that made
 * the version its endpoint's active one (activating it, adding it as active, or pricing it when
 * that activated it).
 */
export async function activationOf(ctx: { tenantId: string }, versionId: string, at: Date): Promise<Activation | null> {
  const version = await db().modelVersion.findFirst({ where: { tenantId: ctx.tenantId, id: versionId }, select: { endpointId: true } });
  if (!version) return null;
  const [row] = await db().$queryRaw<Activation[]>`
    SELECT "seq", "createdAt" AS "at", "action", "actorLabel", "actorType"::text AS "actorType" FROM "AuditEvent"
    WHERE "tenantId" = ${ctx.tenantId} AND "resourceType" = 'endpoint' AND "resourceId" = ${version.endpointId}
      AND "createdAt" <= ${at.toISOString()}::timestamptz
      AND (("action" = 'endpoint.version_activated' AND "after"->>'activeVersionId' = ${versionId})
        OR ("action" = 'endpoint.version_added' AND "after"->'version'->>'id' = ${versionId} AND "after"->>'activated' = 'true')
        OR ("action" = 'endpoint.version_priced' AND "after"->>'versionId' = ${versionId} AND "after"->>'activated' = 'true')
        OR ("action" = 'endpoint.created' AND "after"->'activeVersion'->>'id' = ${versionId}))
    ORDER BY "seq" DESC LIMIT 1`;
  return row ?? null;
}

/** One change event of the tenant, whole: what it changed, and the links that chain it. */
export async function findChangeEvent(ctx: { tenantId: string }, seq: number) {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > 2_147_483_647) return null;
  return db().auditEvent.findUnique({ where: { tenantId_seq: { tenantId: ctx.tenantId, seq } } });
}

/** What the filter bar offers: the tenant's actions, people, keys, and endpoints with their versions. */
export async function explorerChoices(ctx: { tenantId: string }) {
  const [actions, members, keys, endpoints] = await Promise.all([
    db().$queryRaw<{ action: string }[]>`SELECT DISTINCT "action" FROM "AuditEvent" WHERE "tenantId" = ${ctx.tenantId} ORDER BY "action"`,
    db().membership.findMany({ where: { tenantId: ctx.tenantId }, select: { user: { select: { id: true, email: true } } }, orderBy: { user: { email: "asc" } }, take: 500 }),
    db().apiKey.findMany({ where: { tenantId: ctx.tenantId }, select: { id: true, name: true, prefix: true }, orderBy: { createdAt: "desc" }, take: 500 }),
    db().endpoint.findMany({
      where: { tenantId: ctx.tenantId },
      select: { id: true, name: true, versions: { select: { id: true, label: true }, orderBy: { createdAt: "asc" } } },
      orderBy: { name: "asc" },
      take: 500,
    }),
  ]);
  return {
    actions: actions.map((a) => a.action),
    people: members.map((m) => ({ id: m.user.id, email: m.user.email })),
    keys,
    endpoints,
  };
}

export type ExplorerChoices = Awaited<ReturnType<typeof explorerChoices>>;
