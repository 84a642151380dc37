import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { currentCaller, requireUser } from "@/lib/auth/session";
import { findTenantScope } from "./data";
import { recordAdminVisit } from "./visit";

/**
 * The signed-in user and their view of the tenant in the URL: their membership, or the platform
 * admin's read-only visit (on the tenant's audit chain); 404 for anyone else.
 */
export async function requireTenant(slug: string) {
  const user = await requireUser();
  const scope = await findTenantScope(user, slug);
  if (!scope) notFound();
  if (scope.readOnly) await visitOnce(user.id, user.email, scope.tenantId);
  return { user, scope };
}

/** Once per page render, however many of its layouts and pages ask. */
const visitOnce = cache(async (userId: string, email: string, tenantId: string) => {
  await recordAdminVisit({ id: userId, email }, tenantId, await currentCaller());
});

/** The signed-in platform admin; 404 for anyone else, as if /admin did not exist. */
export async function requirePlatformAdmin() {
  const user = await requireUser();
  if (!user.isPlatformAdmin) notFound();
  return user;
}
