import crypto from "node:crypto";
import type { Tx } from "@/lib/db/client";

const LIFETIME_DAYS = 7;

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** A user looked up by email, and whether this call created them. */
export type FoundUser = { user: { id: string; email: string }; created: boolean };

/**
 * The user for an email, created without a password when Keel does not know them yet. `created`
 * is what mostly decides whether a link may be issued (see issueInvitationLink): an admin of one
 * tenant must never get a way into a member of another.
 */
export async function findOrCreateUser(tx: Tx, email: string): Promise<FoundUser> {
  const existing = await tx.user.findUnique({ where: { email }, select: { id: true, email: true } });
  if (existing) return { user: existing, created: false };
  const user = await tx.user.create({ data: { email }, select: { id: true, email: true } });
  return { user, created: true };
}

/**
 * A one-time link that sets the first password of a user this invitation created, or null for
 * anyone Keel already knew (they sign in as before, or use the link of the invitation that
 * created them). One exception: an account that never got a credential, belongs to no other
 * tenant and holds no open link (its link expired, or it was removed and is invited again) would
 * otherwise be locked out for good, and a link to it reaches nothing beyond this tenant.
 * Only the token's hash is stored; the link is shown once.
 */
export async function issueInvitationLink(tx: Tx, tenantId: string, found: FoundUser, createdById: string): Promise<string | null> {
  if (!found.created && !(await isStrandedHere(tx, tenantId, found.user.id))) return null;
  const token = crypto.randomBytes(32).toString("base64url");
  await tx.invitation.create({
    data: {
      tenantId,
      userId: found.user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + LIFETIME_DAYS * 86_400_000),
      createdById,
      setsPassword: true,
    },
  });
  const base = process.env.KEEL_PUBLIC_URL ?? process.env.NEXTAUTH_URL ?? "http://localhost:3000";
  return `${base.replace(/\/$/, "")}/invite/${token}`;
}

/** No password, no single sign-on, no platform role, no open link, and no membership but this tenant's. */
async function isStrandedHere(tx: Tx, tenantId: string, userId: string): Promise<boolean> {
  // Two tenants inviting the same stranded account at once: the second waits here, then sees the first's membership.
  await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
  const user = await tx.user.findUnique({ where: { id: userId }, select: { passwordHash: true, oidcSubject: true, isPlatformAdmin: true } });
  if (!user || user.passwordHash !== null || user.oidcSubject !== null || user.isPlatformAdmin) return false;
  const elsewhere = await tx.membership.count({ where: { userId, tenantId: { not: tenantId } } });
  if (elsewhere > 0) return false;
  const open = await tx.invitation.count({ where: { userId, usedAt: null, expiresAt: { gt: new Date() } } });
  return open === 0;
}
