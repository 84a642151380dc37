import "server-only";
import { db } from "@/lib/db/client";
import { hashToken } from "./invitations";

/**
 * What the invitation page shows for a one-time link, or null when it no longer works: unknown,
 * used, expired, not a password-setting link, or its user can already sign in (a password, or a
 * single sign-on already linked). `acceptInvitation` checks the same again under a lock.
 */
export async function findOpenInvitation(token: string) {
  const inv = await db().invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      usedAt: true,
      expiresAt: true,
      setsPassword: true,
      user: { select: { email: true, passwordHash: true, oidcSubject: true } },
      tenant: { select: { name: true } },
    },
  });
  if (!inv || inv.usedAt || inv.expiresAt < new Date() || !inv.setsPassword) return null;
  if (inv.user.passwordHash !== null || inv.user.oidcSubject !== null) return null;
  return { email: inv.user.email, tenantName: inv.tenant.name };
}
