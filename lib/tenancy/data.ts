import "server-only";
import { cache } from "react";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";

/**
 * What a page knows about its tenant: resolved from the signed-in user's membership, never from
 * the URL alone. `readOnly` marks the platform admin's visit to a tenant they are not a member
 * of: they see it as an auditor would, and no action accepts a change from them (actions find no
 * membership).
 */
export type TenantScope = { tenantId: string; tenantSlug: string; tenantName: string; status: "ACTIVE" | "SUSPENDED"; role: Role; readOnly: boolean };

/** The user's membership in the tenant with this slug, or null (not a member, or no such tenant). */
export const findMembership = cache(async (userId: string, slug: string): Promise<TenantScope | null> => {
  const m = await db().membership.findFirst({
    where: { userId, tenant: { slug } },
    select: { role: true, tenant: { select: { id: true, slug: true, name: true, status: true } } },
  });
  return m ? { tenantId: m.tenant.id, tenantSlug: m.tenant.slug, tenantName: m.tenant.name, status: m.tenant.status, role: m.role, readOnly: false } : null;
});

/**
 * The user's view of the tenant with this slug: their membership, or, for a platform admin who is
 * not a member, a read-only view with an auditor's reads; null for anyone else.
 */
export const findTenantScope = cache(async (user: { id: string; isPlatformAdmin: boolean }, slug: string): Promise<TenantScope | null> => {
  const member = await findMembership(user.id, slug);
  if (member || !user.isPlatformAdmin) return member;
  const t = await db().tenant.findUnique({ where: { slug }, select: { id: true, slug: true, name: true, status: true } });
  return t ? { tenantId: t.id, tenantSlug: t.slug, tenantName: t.name, status: t.status, role: "AUDITOR", readOnly: true } : null;
});

/** The tenants a user belongs to, for the tenant switcher. */
export const listMyTenants = cache(async (userId: string) => {
  const rows = await db().membership.findMany({
    where: { userId },
    select: { role: true, tenant: { select: { slug: true, name: true, status: true } } },
    orderBy: { tenant: { name: "asc" } },
  });
  return rows.map((r) => ({ slug: r.tenant.slug, name: r.tenant.name, status: r.tenant.status, role: r.role }));
});

/** The tenant's members, with whether each has set a password yet. */
export async function listMembers(ctx: Pick<TenantScope, "tenantId">) {
  const rows = await db().membership.findMany({
    where: { tenantId: ctx.tenantId },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true, passwordHash: true } } },
    orderBy: [{ createdAt: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    joinedAt: r.createdAt,
    userId: r.user.id,
    email: r.user.email,
    name: r.user.name,
    pending: !r.user.passwordHash,
  }));
}

export type TenantListParams = { q?: string; page: number; pageSize: number; sort: "name" | "slug" | "createdAt"; dir: "asc" | "desc" };

/**
 * Every tenant, for the platform admin; filtered, sorted and paged in the database. Checks the
 * viewer itself, so no page can list tenants by forgetting the layout's check.
 */
export async function listTenantsForAdmin(viewer: { isPlatformAdmin: boolean }, params: TenantListParams) {
  if (!viewer.isPlatformAdmin) throw new Error("listTenantsForAdmin: only platform admins may list every tenant");
  const where = params.q
    ? { OR: [{ name: { contains: params.q, mode: "insensitive" as const } }, { slug: { contains: params.q, mode: "insensitive" as const } }] }
    : {};
  const [rows, total] = await Promise.all([
    db().tenant.findMany({
      where,
      orderBy: { [params.sort]: params.dir },
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      select: { id: true, slug: true, name: true, status: true, createdAt: true, _count: { select: { memberships: true } } },
    }),
    db().tenant.count({ where }),
  ]);
  return { rows: rows.map((r) => ({ ...r, members: r._count.memberships })), total };
}

/** The tenant's own settings as its pages show them: the monthly budget, what the gateway stores of requests, and approvers per promotion. */
export const findTenantSettings = cache(async (ctx: Pick<TenantScope, "tenantId">) => {
  const t = await db().tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { monthlyBudgetUsd: true, contentRetentionDays: true, rolloutApprovals: true, rolloutGateMinScore: true, rolloutGateDatasetId: true } });
  return { monthlyBudgetUsd: t.monthlyBudgetUsd?.toString() ?? null, contentRetentionDays: t.contentRetentionDays, rolloutApprovals: t.rolloutApprovals, rolloutGateMinScore: t.rolloutGateMinScore, rolloutGateDatasetId: t.rolloutGateDatasetId };
});
