import "server-only";
import { db } from "@/lib/db/client";
import type { FineTuneStatus } from "@/lib/db/generated/enums";

type Ctx = { tenantId: string };

const SELECT = {
  id: true, providerId: true, endpointId: true, baseModel: true, suffix: true, trainingName: true, trainingHash: true, trainingExamples: true, hyperparameters: true,
  providerJobId: true, providerStatus: true, status: true, cancelRequested: true, fineTunedModel: true, versionId: true, error: true, createdById: true, createdAt: true, updatedAt: true, finishedAt: true,
} as const;

/** A page of the tenant's fine-tuning jobs, newest first, by status if asked, with provider, endpoint and launcher named. */
export async function listFineTunes(ctx: Ctx, params: { status?: FineTuneStatus; page: number; pageSize: number }) {
  const where = { tenantId: ctx.tenantId, ...(params.status ? { status: params.status } : {}) };
  const [rows, total] = await Promise.all([
    db().fineTuneJob.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (params.page - 1) * params.pageSize, take: params.pageSize, select: SELECT }),
    db().fineTuneJob.count({ where }),
  ]);
  return { rows: await named(ctx, rows), total };
}

/** One job, or null when the tenant has none by that id. */
export async function getFineTune(ctx: Ctx, id: string) {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) return null;
  const row = await db().fineTuneJob.findFirst({ where: { id, tenantId: ctx.tenantId }, select: SELECT });
  return row ? (await named(ctx, [row]))[0] : null;
}

/** The tenant's OpenAI-compatible providers and chat endpoints: what a launch may name. */
export async function fineTuneChoices(ctx: Ctx) {
  const [providers, endpoints] = await Promise.all([
    db().provider.findMany({ where: { tenantId: ctx.tenantId, kind: "OPENAI_COMPATIBLE" }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db().endpoint.findMany({ where: { tenantId: ctx.tenantId, kind: "CHAT" }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { providers, endpoints };
}

async function named<T extends { providerId: string; endpointId: string; createdById: string; versionId: string | null }>(ctx: Ctx, rows: T[]) {
  const [providers, endpoints, users, versions] = await Promise.all([
    db().provider.findMany({ where: { tenantId: ctx.tenantId, id: { in: rows.map((r) => r.providerId) } }, select: { id: true, name: true } }),
    db().endpoint.findMany({ where: { tenantId: ctx.tenantId, id: { in: rows.map((r) => r.endpointId) } }, select: { id: true, name: true } }),
    db().user.findMany({ where: { id: { in: rows.map((r) => r.createdById) } }, select: { id: true, email: true } }),
    db().modelVersion.findMany({ where: { tenantId: ctx.tenantId, id: { in: rows.flatMap((r) => (r.versionId ? [r.versionId] : [])) } }, select: { id: true, label: true } }),
  ]);
  const name = <X extends { id: string }>(list: X[], id: string | null, key: keyof X) => (id ? ((list.find((x) => x.id === id)?.[key] as string | undefined) ?? null) : null);
  return rows.map((r) => ({
    ...r,
    providerName: name(providers, r.providerId, "name"),
    endpointName: name(endpoints, r.endpointId, "name"),
    launchedBy: name(users, r.createdById, "email") ?? "a former member",
    versionLabel: name(versions, r.versionId, "label"),
  }));
}
