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
