import "server-only";
import { db } from "@/lib/db/client";

/** The tenant's endpoints with their active version, for the endpoints list. */
export async function listEndpoints(ctx: { tenantId: string }) {
  const rows = await db().endpoint.findMany({
    where: { tenantId: ctx.tenantId },
    orderBy: { name: "asc" },
    include: {
      activeVersion: { include: { provider: { select: { name: true, kind: true } } } },
      _count: { select: { versions: true } },
    },
  });
  return rows.map((e) => ({
    id: e.id,
    name: e.name,
    kind: e.kind,
    description: e.description,
    enabled: !e.disabledAt,
    versions: e._count.versions,
    active: e.activeVersion && {
      id: e.activeVersion.id,
      label: e.activeVersion.label,
      providerName: e.activeVersion.provider.name,
      providerModel: e.activeVersion.providerModel,
      inputPricePerMTok: e.activeVersion.inputPricePerMTok.toString(),
      outputPricePerMTok: e.activeVersion.outputPricePerMTok.toString(),
    },
  }));
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
      createdAt: v.createdAt.toISOString(),
    })),
  };
}
