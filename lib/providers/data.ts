import "server-only";
import { db } from "@/lib/db/client";

/** The tenant's providers as the console shows them: never the key, only whether one is set. */
export async function listProviders(ctx: { tenantId: string }) {
  const rows = await db().provider.findMany({
    where: { tenantId: ctx.tenantId },
    orderBy: { name: "asc" },
    select: { id: true, name: true, kind: true, baseUrl: true, apiKeySealed: true, createdAt: true, _count: { select: { versions: true } } },
  });
  return rows.map(({ apiKeySealed, _count, ...r }) => ({ ...r, hasApiKey: !!apiKeySealed, versions: _count.versions }));
}

/** The endpoints with any version on each provider, by provider id: what removing it would touch. */
export async function endpointsByProvider(ctx: { tenantId: string }): Promise<Map<string, string[]>> {
  const rows = await db().modelVersion.findMany({
    where: { tenantId: ctx.tenantId },
    distinct: ["providerId", "endpointId"],
    select: { providerId: true, endpoint: { select: { name: true } } },
    orderBy: [{ providerId: "asc" }, { endpointId: "asc" }],
  });
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.providerId, [...(out.get(r.providerId) ?? []), r.endpoint.name].sort());
  return out;
}
