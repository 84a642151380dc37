import "server-only";
import { db } from "@/lib/db/client";

export type ApiKeyStatus = "active" | "revoked" | "expired";

export type ApiKeyListParams = {
  /** Part of the name, any case. */
  q?: string;
  status?: ApiKeyStatus;
  page: number;
  pageSize: number;
  sort: "createdAt" | "name" | "lastUsedAt";
  dir: "asc" | "desc";
};

/** The keys with this status at `now`; a revoked key counts as revoked even once it has also expired. */
function statusWhere(status: ApiKeyStatus, now: Date) {
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, expiresAt: { lte: now } };
    case "active":
      return { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  }
}

/**
 * A page of the tenant's API keys as the console shows them: prefix and settings, never the hash.
 * Filtered, sorted and paged in the database; keys never used sort after used ones either way.
 */
export async function listApiKeys(ctx: { tenantId: string }, params: ApiKeyListParams) {
  // One instant for the filter and the status shown, so a key cannot match "active" and show "expired".
  const now = new Date();
  const where = {
    tenantId: ctx.tenantId,
    ...(params.q ? { name: { contains: params.q, mode: "insensitive" as const } } : {}),
    ...(params.status ? statusWhere(params.status, now) : {}),
  };
  const order = params.sort === "lastUsedAt" ? { lastUsedAt: { sort: params.dir, nulls: "last" as const } } : { [params.sort]: params.dir };
  const [rows, total] = await Promise.all([
    db().apiKey.findMany({
      where,
      // Names repeat and timestamps can tie; the id keeps the order total, so pages never overlap.
      orderBy: [order, { id: params.dir }],
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      select: {
        id: true, name: true, prefix: true, allowedEndpoints: true, requestsPerMinute: true, tokensPerMinute: true,
        expiresAt: true, revokedAt: true, lastUsedAt: true, createdAt: true, monthlyBudgetUsd: true, budgetMode: true,
      },
    }),
    db().apiKey.count({ where }),
  ]);
  return {
    rows: rows.map((k) => ({
      ...k,
      status: (k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt <= now ? "expired" : "active") as ApiKeyStatus,
    })),
    total,
  };
}
