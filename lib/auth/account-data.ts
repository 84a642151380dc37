import "server-only";
import { db } from "@/lib/db/client";
import type { AccountEventKind } from "@/lib/db/generated/enums";

const ROW = { id: true, kind: true, email: true, method: true, ip: true, userAgent: true, createdAt: true } as const;

/** A person's own recent account events, newest first: what "Your account" shows them. */
export async function recentAccountEvents(userId: string, limit = 20) {
  return db().accountEvent.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: ROW });
}

/** Whether a person signs in with a password here (and so may change it), without the hash leaving this module. */
export async function hasPassword(userId: string): Promise<boolean> {
  const row = await db().user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return !!row?.passwordHash;
}

/** Further than anyone pages by hand; a larger number from a URL would overflow the query's offset. */
export const MAX_ADMIN_PAGE = 100_000;

export type AccountEventListParams = { q?: string; kind?: AccountEventKind; page: number; pageSize: number; dir: "asc" | "desc" };

/**
 * Every account's events, for the platform admin: filtered by email or address and by kind,
 * sorted by time and paged in the database. Checks the viewer itself, as listTenantsForAdmin does.
 */
export async function listAccountEventsForAdmin(viewer: { isPlatformAdmin: boolean }, params: AccountEventListParams) {
  if (!viewer.isPlatformAdmin) throw new Error("listAccountEventsForAdmin: only platform admins may list every account's events");
  const page = Math.min(Math.max(1, Math.trunc(params.page) || 1), MAX_ADMIN_PAGE);
  const where = {
    ...(params.kind ? { kind: params.kind } : {}),
    ...(params.q ? { OR: [{ email: { contains: params.q.toLowerCase() } }, { ip: { startsWith: params.q } }] } : {}),
  };
  const [rows, total] = await Promise.all([
    db().accountEvent.findMany({
      where,
      orderBy: [{ createdAt: params.dir }, { id: params.dir }],
      skip: (page - 1) * params.pageSize,
      take: params.pageSize,
      select: ROW,
    }),
    db().accountEvent.count({ where }),
  ]);
  return { rows, total };
}
