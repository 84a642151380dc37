import crypto from "node:crypto";
import type { Tx } from "@/lib/db/client";

const LIFETIME_DAYS = 7;

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** The user for an email, created without a password when Keel does not know them yet. */
export async function findOrCreateUser(tx: Tx, email: string) {
  return (await tx.user.findUnique({ where: { email } })) ?? (await tx.user.create({ data: { email } }));
}

/**
 * A one-time sign-in link for a user who has no password yet, or null when they can already
 * sign in. Only the token's hash is stored; the link is shown once.
 */
export async function issueInvitationLink(
  tx: Tx,
  tenantId: string,
  user: { id: string; passwordHash: string | null },
  createdById: string,
): Promise<string | null> {
  if (user.passwordHash) return null;
  const token = crypto.randomBytes(32).toString("base64url");
  await tx.invitation.create({
    data: {
      tenantId,
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + LIFETIME_DAYS * 86_400_000),
      createdById,
    },
  });
  const base = process.env.KEEL_PUBLIC_URL ?? process.env.NEXTAUTH_URL ?? "http://localhost:3000";
  return `${base.replace(/\/$/, "")}/invite/${token}`;
}
