import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { versionEvaluations } from "@/lib/evals/data";

type Ctx = { tenantId: string };

export const CATALOG_STATUSES = ["draft", "staging", "production", "retired"] as const;
export type CatalogStatus = (typeof CATALOG_STATUSES)[number];

/**
 * A version's status, from what serves now: production when active or a fallback of its endpoint,
 * staging while a running rollout's candidate, retired when retired or once it served and no longer
 * does, draft when it never served.
 */
const STATUS_SQL = Prisma.sql`CASE
  WHEN v."retiredAt" IS NOT NULL THEN 'retired'
  WHEN e."activeVersionId" = v."id" OR v."id" = ANY (e."fallbackVersionIds") THEN 'production'
  WHEN EXISTS (SELECT 1 FROM "Rollout" r WHERE r."tenantId" = v."tenantId" AND r."candidateVersionId" = v."id" AND r."status" = 'RUNNING') THEN 'staging'
  WHEN v."releasedAt" IS NOT NULL THEN 'retired'
  ELSE 'draft' END`;

export type CatalogRow = {
  id: string;
  label: string;
  endpointId: string;
  endpointName: string;
  providerName: string;
  providerModel: string;
  baseModel: string | null;
  artifactDigest: string | null;
  fineTuneJobId: string | null;
  status: CatalogStatus;
  createdAt: Date;
  releasedAt: Date | null;
};

export type CatalogParams = { status?: CatalogStatus; endpointId?: string; q?: string; page: number; pageSize: number };

/** A page of the tenant's model versions with their status, filtered, searched and paged in the database, newest first. */
export async function listCatalog(ctx: Ctx, params: CatalogParams) {
  const q = params.q?.trim().replaceAll("\u0000", "");
  const where = Prisma.join(
    [
      Prisma.sql`v."tenantId" = ${ctx.tenantId}`,
      ...(params.endpointId ? [Prisma.sql`v."endpointId" = ${params.endpointId}`] : []),
      ...(q ? [Prisma.sql`(v."label" ILIKE ${`%${q}%`} OR v."providerModel" ILIKE ${`%${q}%`} OR e."name" ILIKE ${`%${q}%`} OR v."baseModel" ILIKE ${`%${q}%`})`] : []),
    ],
    " AND ",
  );
  const base = Prisma.sql`
    SELECT v."id", v."label", v."endpointId", e."name" AS "endpointName", p."name" AS "providerName", v."providerModel", v."baseModel",
           v."artifactDigest", v."fineTuneJobId", ${STATUS_SQL} AS "status", v."createdAt", v."releasedAt"
    FROM "ModelVersion" v JOIN "Endpoint" e ON e."id" = v."endpointId" JOIN "Provider" p ON p."id" = v."providerId"
    WHERE ${where}`;
  const filtered = params.status ? Prisma.sql`SELECT * FROM (${base}) c WHERE c."status" = ${params.status}` : base;
  const [rows, [{ total }]] = await Promise.all([
    db().$queryRaw<CatalogRow[]>`SELECT * FROM (${filtered}) c ORDER BY c."createdAt" DESC, c."id" DESC LIMIT ${params.pageSize} OFFSET ${(params.page - 1) * params.pageSize}`,
    db().$queryRaw<{ total: number }[]>`SELECT count(*)::int AS "total" FROM (${filtered}) c`,
  ]);
  return { rows, total };
}

export type CatalogVersion = NonNullable<Awaited<ReturnType<typeof getCatalogVersion>>>;

/**
 * One version as the catalog shows it: what it is, where it came from (its lineage: dataset, fine-tune
 * job, version, endpoint, rollouts), its model card, who owns it and who approved its rollouts (from
 * the signed trail), its evaluations, and which version served its endpoint when.
 */
export async function getCatalogVersion(ctx: Ctx, versionId: string) {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(versionId)) return null;
  const v = await db().modelVersion.findFirst({
    where: { id: versionId, tenantId: ctx.tenantId },
    include: { endpoint: { select: { id: true, name: true, kind: true } }, provider: { select: { name: true, kind: true } } },
  });
  if (!v) return null;
  const [[{ status }], owner, rollouts, evaluations, history] = await Promise.all([
    db().$queryRaw<{ status: CatalogStatus }[]>`SELECT ${STATUS_SQL} AS "status" FROM "ModelVersion" v JOIN "Endpoint" e ON e."id" = v."endpointId" WHERE v."id" = ${v.id}`,
    v.ownerId ? db().user.findUnique({ where: { id: v.ownerId }, select: { email: true } }) : null,
    rolloutsOf(ctx, v.id),
    versionEvaluations(ctx, v.id),
    servingHistory(ctx, v.endpointId),
  ]);
  const card = (v.modelCard ?? {}) as { intendedUse?: string; limitations?: string; risks?: string };
  return {
    id: v.id,
    label: v.label,
    status,
    endpoint: v.endpoint,
    provider: v.provider,
    providerModel: v.providerModel,
    params: v.params,
    prices: { inputPerMTok: v.inputPricePerMTok.toString(), outputPerMTok: v.outputPricePerMTok.toString(), priced: v.priced },
    artifactDigest: v.artifactDigest,
    baseModel: v.baseModel,
    dataset: v.datasetName || v.datasetUri || v.datasetHash ? { name: v.datasetName, uri: v.datasetUri, hash: v.datasetHash } : null,
    hyperparameters: v.hyperparameters as Record<string, unknown> | null,
    fineTuneJobId: v.fineTuneJobId,
    ownerId: v.ownerId,
    owner: owner?.email ?? null,
    modelCard: { intendedUse: card.intendedUse ?? "", limitations: card.limitations ?? "", risks: card.risks ?? "" },
    createdAt: v.createdAt,
    releasedAt: v.releasedAt,
    retiredAt: v.retiredAt,
    /** Fixed once it has served: a change is a new version. */
    editable: v.releasedAt === null && v.retiredAt === null,
    rollouts,
    evaluations,
    history,
  };
}

/** The rollouts with this version as candidate, each with its approvers as the signed trail names them. */
async function rolloutsOf(ctx: Ctx, versionId: string) {
  const rollouts = await db().rollout.findMany({
    where: { tenantId: ctx.tenantId, candidateVersionId: versionId },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, status: true, stepsBp: true, stepIndex: true, createdAt: true, endedAt: true, endReason: true },
  });
  if (rollouts.length === 0) return [];
  const approvals = await db().auditEvent.findMany({
    where: { tenantId: ctx.tenantId, resourceType: "rollout", resourceId: { in: rollouts.map((r) => r.id) }, action: "rollout.approved" },
    orderBy: { seq: "asc" },
    select: { resourceId: true, actorLabel: true, createdAt: true },
  });
  return rollouts.map((r) => ({ ...r, approvers: [...new Set(approvals.filter((a) => a.resourceId === r.id).map((a) => a.actorLabel ?? "a former member"))] }));
}

export type ServingPeriod = { versionId: string; label: string; from: Date; to: Date | null; by: string | null; action: string; rolloutId: string | null; seq: number };

/**
 * Which version served the endpoint when, from the signed trail: each event that made a version its
 * endpoint's active one opens a period, closed by the next. Newest first, at most 100.
 */
export async function servingHistory(ctx: Ctx, endpointId: string): Promise<ServingPeriod[]> {
  const events = await db().$queryRaw<{ seq: number; at: Date; action: string; actor: string | null; versionId: string | null; rolloutId: string | null }[]>`
    SELECT "seq", "createdAt" AS "at", "action", "actorLabel" AS "actor",
      CASE "action"
        WHEN 'endpoint.version_activated' THEN "after"->>'activeVersionId'
        WHEN 'endpoint.version_added' THEN "after"->'version'->>'id'
        WHEN 'endpoint.version_priced' THEN "after"->>'versionId'
        WHEN 'endpoint.created' THEN "after"->'activeVersion'->>'id'
      END AS "versionId",
      "after"->>'rolloutId' AS "rolloutId"
    FROM "AuditEvent"
    WHERE "tenantId" = ${ctx.tenantId} AND "resourceType" = 'endpoint' AND "resourceId" = ${endpointId}
      AND (("action" = 'endpoint.version_activated')
        OR ("action" = 'endpoint.version_added' AND "after"->>'activated' = 'true')
        OR ("action" = 'endpoint.version_priced' AND "after"->>'activated' = 'true')
        OR ("action" = 'endpoint.created' AND "after"->'activeVersion' IS NOT NULL AND jsonb_typeof("after"->'activeVersion') = 'object'))
    ORDER BY "seq" DESC LIMIT 100`;
  const ids = [...new Set(events.map((e) => e.versionId).filter((id): id is string => id !== null))];
  const labels = new Map((await db().modelVersion.findMany({ where: { tenantId: ctx.tenantId, id: { in: ids } }, select: { id: true, label: true } })).map((v) => [v.id, v.label]));
  return events
    .filter((e) => e.versionId !== null)
    .map((e, i, all) => ({ versionId: e.versionId!, label: labels.get(e.versionId!) ?? e.versionId!, from: e.at, to: i === 0 ? null : all[i - 1].at, by: e.actor, action: e.action, rolloutId: e.rolloutId, seq: e.seq }));
}

/** Members who may own a version, for the card's owner picker. */
export async function ownerChoices(ctx: Ctx) {
  const rows = await db().membership.findMany({ where: { tenantId: ctx.tenantId }, select: { user: { select: { id: true, email: true } } }, orderBy: { user: { email: "asc" } }, take: 500 });
  return rows.map((r) => r.user);
}
