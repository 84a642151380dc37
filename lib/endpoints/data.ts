import "server-only";
import { db } from "@/lib/db/client";
import type { EndpointKind } from "@/lib/db/generated/enums";

export type EndpointListParams = {
  /** Part of the name, any case. */
  q?: string;
  kind?: EndpointKind;
  enabled?: boolean;
  page: number;
  pageSize: number;
  sort: "name" | "createdAt";
  dir: "asc" | "desc";
};

/** A page of the tenant's endpoints with their active version; filtered, sorted and paged in the database. */
export async function listEndpoints(ctx: { tenantId: string }, params: EndpointListParams) {
  const where = {
    tenantId: ctx.tenantId,
    ...(params.q ? { name: { contains: params.q, mode: "insensitive" as const } } : {}),
    ...(params.kind ? { kind: params.kind } : {}),
    ...(params.enabled === undefined ? {} : { disabledAt: params.enabled ? null : { not: null } }),
  };
  const [rows, total] = await Promise.all([
    db().endpoint.findMany({
      where,
      // The id breaks ties between endpoints created in the same millisecond, so pages never overlap.
      orderBy: [{ [params.sort]: params.dir }, { id: params.dir }],
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      include: {
        activeVersion: { include: { provider: { select: { name: true, kind: true } } } },
        _count: { select: { versions: true } },
      },
    }),
    db().endpoint.count({ where }),
  ]);
  return {
    rows: rows.map((e) => ({
      id: e.id,
      name: e.name,
      kind: e.kind,
      description: e.description,
      enabled: !e.disabledAt,
      createdAt: e.createdAt,
      versions: e._count.versions,
      active: e.activeVersion && {
        id: e.activeVersion.id,
        label: e.activeVersion.label,
        providerName: e.activeVersion.provider.name,
        providerModel: e.activeVersion.providerModel,
        inputPricePerMTok: e.activeVersion.inputPricePerMTok.toString(),
        outputPricePerMTok: e.activeVersion.outputPricePerMTok.toString(),
      },
    })),
    total,
  };
}

/** Every endpoint name of the tenant, A to Z, for choosing which endpoints a key may call. */
export async function listEndpointNames(ctx: { tenantId: string }): Promise<string[]> {
  const rows = await db().endpoint.findMany({ where: { tenantId: ctx.tenantId }, select: { name: true }, orderBy: { name: "asc" } });
  return rows.map((r) => r.name);
}

/** One endpoint with every version, or null when the tenant has no such endpoint. */
export async function getEndpoint(ctx: { tenantId: string }, endpointId: string) {
  const e = await db().endpoint.findFirst({
    where: { id: endpointId, tenantId: ctx.tenantId },
    include: { versions: { orderBy: { createdAt: "desc" }, include: { provider: { select: { name: true, kind: true } } } } },
  });
  if (!e) return null;
  return {
    id: e.id,
    name: e.name,
    kind: e.kind,
    description: e.description,
    enabled: !e.disabledAt,
    activeVersionId: e.activeVersionId,
    /** The fallbacks in the order the gateway tries them; ids of versions that are gone are left out. */
    fallbackVersionIds: e.fallbackVersionIds.filter((id) => id !== e.activeVersionId && e.versions.some((v) => v.id === id)),
    versions: e.versions.map((v) => ({
      id: v.id,
      label: v.label,
      providerName: v.provider.name,
      builtin: v.provider.kind === "BUILTIN",
      providerModel: v.providerModel,
      params: v.params as Record<string, unknown>,
      inputPricePerMTok: v.inputPricePerMTok.toString(),
      outputPricePerMTok: v.outputPricePerMTok.toString(),
      /** False until a manager prices it: it cannot answer, be activated or be a fallback. */
      priced: v.priced,
      createdAt: v.createdAt.toISOString(),
    })),
  };
}
