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
 * is what decides whether a link may be issued: only the invitation that created an account may
 * set its first password, or an admin of one tenant could take over a member of another.
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
 * created them). Only the token's hash is stored; the link is shown once.
 */
export async function issueInvitationLink(tx: Tx, tenantId: string, found: FoundUser, createdById: string): Promise<string | null> {
  if (!found.created) return null;
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
