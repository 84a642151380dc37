import "server-only";
import { db } from "@/lib/db/client";
import { hashToken } from "./invitations";

/** What the invitation page shows for a one-time link, or null if it is unknown, used or expired. */
export async function findOpenInvitation(token: string) {
  const inv = await db().invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { usedAt: true, expiresAt: true, user: { select: { email: true } }, tenant: { select: { name: true } } },
  });
  if (!inv || inv.usedAt || inv.expiresAt < new Date()) return null;
  return { email: inv.user.email, tenantName: inv.tenant.name };
}
