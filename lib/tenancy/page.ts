import "server-only";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { findMembership } from "./data";

/** The signed-in user and their membership of the tenant in the URL; 404 when they have none. */
export async function requireTenant(slug: string) {
  const user = await requireUser();
  const scope = await findMembership(user.id, slug);
  if (!scope) notFound();
  return { user, scope };
}

/** The signed-in platform admin; 404 for anyone else, as if /admin did not exist. */
export async function requirePlatformAdmin() {
  const user = await requireUser();
  if (!user.isPlatformAdmin) notFound();
  return user;
}
