import { recordAudit } from "@/lib/audit/record";
import type { PrismaClient } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

/** The ID token (or userinfo) claims Keel reads; anything may be missing or of another type. */
export type OidcClaims = { sub?: unknown; email?: unknown; email_verified?: unknown };

/** A refusal's code is one of the sign-in page's known codes (lib/auth/sign-in-messages.ts). */
export type OidcLinkResult =
  | { ok: true; userId: string; linkedNow: boolean }
  | { ok: false; error: "EmailNotVerified" | "NotInvited" | "AccountMismatch" | "OAuthCallback" };

/**
 * Decides which Keel user a single sign-on is, by the provider's `sub`: the account already
 * linked to it, or, on a person's first single sign-on, the account of its verified email,
 * which is then linked to this `sub` for good. A different `sub` for a linked email is refused,
 * since an email can be reassigned at the provider; an unverified email proves nothing.
 */
export async function linkOidcSignIn(prisma: PrismaClient, claims: OidcClaims): Promise<OidcLinkResult> {
  const sub = typeof claims.sub === "string" && claims.sub.length > 0 && claims.sub.length <= 255 ? claims.sub : null;
  if (!sub) return { ok: false, error: "OAuthCallback" };
  if (claims.email_verified !== true) return { ok: false, error: "EmailNotVerified" };
  const linked = await prisma.user.findUnique({ where: { oidcSubject: sub }, select: { id: true } });
  if (linked) return { ok: true, userId: linked.id, linkedNow: false };

  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email) return { ok: false, error: "NotInvited" };
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, email: true, oidcSubject: true } });
  if (!user) return { ok: false, error: "NotInvited" };
  if (user.oidcSubject !== null) return { ok: false, error: "AccountMismatch" };
  try {
    const won = await linkFirstSignOn(prisma, user, sub);
    return won ? { ok: true, userId: user.id, linkedNow: true } : { ok: false, error: "AccountMismatch" };
  } catch (error) {
    // The same `sub` linked to another account meanwhile (the column is unique).
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { ok: false, error: "AccountMismatch" };
    throw error;
  }
}

/**
 * Links `sub` unless another sign-on got there first. The account's verified owner has now
 * shown up, so whatever was issued before that ends: open invitation links (whoever held one
 * could otherwise still set a password) and every session (bumped version).
 */
async function linkFirstSignOn(prisma: PrismaClient, user: { id: string; email: string }, sub: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const set = await tx.user.updateMany({
      where: { id: user.id, oidcSubject: null },
      data: { oidcSubject: sub, sessionVersion: { increment: 1 } },
    });
    if (set.count !== 1) return false;
    await tx.invitation.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: new Date() } });
    const memberships = await tx.membership.findMany({ where: { userId: user.id }, select: { tenantId: true } });
    for (const m of memberships) {
      await recordAudit(tx, m.tenantId, { type: "USER", id: user.id, label: user.email }, { ip: null, userAgent: null, requestId: null }, {
        action: "user.sso_linked",
        resourceType: "user",
        resourceId: user.id,
      });
    }
    return true;
  });
}
