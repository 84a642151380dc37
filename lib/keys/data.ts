import "server-only";
import { db } from "@/lib/db/client";

/** The tenant's API keys as the console shows them: prefix and settings, never the hash. */
export async function listApiKeys(ctx: { tenantId: string }) {
  const rows = await db().apiKey.findMany({
    where: { tenantId: ctx.tenantId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true, name: true, prefix: true, allowedEndpoints: true, requestsPerMinute: true, tokensPerMinute: true,
      expiresAt: true, revokedAt: true, lastUsedAt: true, createdAt: true,
    },
  });
  const now = Date.now();
  return rows.map((k) => ({
    ...k,
    status: k.revokedAt ? ("revoked" as const) : k.expiresAt && k.expiresAt.getTime() <= now ? ("expired" as const) : ("active" as const),
  }));
}
