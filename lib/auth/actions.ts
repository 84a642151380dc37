"use server";

import { z } from "zod";
import { accountAction, type ActionContext } from "@/lib/tenancy/action";
import { hashToken } from "@/lib/tenancy/invitations";
import { ActionError, CommittedRefusal } from "@/lib/tenancy/result";
import { acceptInvitationSchema, changePasswordSchema } from "@/lib/tenancy/schemas";
import { recordAccountEvent } from "./account-events";
import { hashPassword, verifyPassword } from "./password";
import { tooManyAttempts } from "./sign-in-messages";
import { claimSignInAttempt, settleSignInAttempt } from "./throttle";

/** Ends every session of the signed-in user on every device, this one included. */
export const signOutEverywhere = accountAction({
  schema: z.object({}),
  run: async (ctx) => {
    await ctx.tx.user.update({ where: { id: ctx.user.id }, data: { sessionVersion: { increment: 1 } } });
    await recordAccountEvent(ctx.tx, { kind: "SIGNED_OUT_EVERYWHERE", userId: ctx.user.id, email: ctx.user.email }, ctx.caller);
    await auditInEveryTenant(ctx, "user.signed_out_everywhere");
    return { signedOut: true };
  },
});

/**
 * Changes the signed-in person's password, given the current one, and ends every session of
 * theirs (this one too: they sign in again with the new password), since a password is changed
 * most urgently when someone else may know the old one. The current password is checked under
 * the sign-in throttle, so a stolen session cannot be used to guess it; a wrong guess is
 * committed (the throttle's count stands) and changes nothing else.
 */
export const changePassword = accountAction({
  schema: changePasswordSchema,
  run: async (ctx, input) => {
    const user = await ctx.tx.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { passwordHash: true } });
    if (!user.passwordHash) throw new ActionError("This account signs in with single sign-on and has no password to change.", "invalid");
    const claim = await claimSignInAttempt(ctx.tx, ctx.user.email, ctx.caller.ip ?? "unknown");
    if (!claim.ok) throw new CommittedRefusal(tooManyAttempts(claim.retryAfterSeconds), "forbidden");
    const ok = await verifyPassword(input.current, user.passwordHash);
    await settleSignInAttempt(ctx.tx, claim, ok);
    if (!ok) throw new CommittedRefusal("The current password is not right; nothing was changed.", "invalid", { current: ["Not your current password"] });
    const passwordHash = await hashPassword(input.password);
    await ctx.tx.user.update({ where: { id: ctx.user.id }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await recordAccountEvent(ctx.tx, { kind: "PASSWORD_CHANGED", userId: ctx.user.id, email: ctx.user.email }, ctx.caller);
    await auditInEveryTenant(ctx, "user.password_changed");
    return { changed: true };
  },
});

/** An account change is also an event in each tenant the person belongs to, for its admins to see. */
async function auditInEveryTenant(ctx: ActionContext, action: string) {
  const memberships = await ctx.tx.membership.findMany({ where: { userId: ctx.user.id }, select: { tenantId: true } });
  for (const m of memberships) await ctx.audit(m.tenantId, { action, resourceType: "user", resourceId: ctx.user.id });
}

const LINK_GONE =
  "This link no longer works: it has expired or was already used, or the account can already sign in. Sign in, or ask an admin of your tenant for help.";

/**
 * Redeems a one-time link: the invited person sets their name and first password. Only a link
 * issued with the account it belongs to (`setsPassword`) may do this, and only while the account
 * has no password and no linked single sign-on; otherwise whoever held an old link could take
 * over an account that someone else now uses.
 */
export const acceptInvitation = accountAction({
  schema: acceptInvitationSchema,
  identify: async (tx, _caller, input) => {
    const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(input.token) }, include: { user: true } });
    if (!invitation || invitation.usedAt || invitation.expiresAt < new Date() || !invitation.setsPassword) {
      throw new ActionError(LINK_GONE, "not_found");
    }
    return { id: invitation.user.id, email: invitation.user.email, isPlatformAdmin: invitation.user.isPlatformAdmin };
  },
  run: async (ctx, input) => {
    // Hash before taking any lock: bcrypt is deliberately slow.
    const passwordHash = await hashPassword(input.password);
    const now = new Date();
    // Claiming the link and setting the password are each one conditional statement: a second
    // redeem waits on the first's row lock, then finds `usedAt` or `passwordHash` set and stops.
    const claimed = await ctx.tx.invitation.updateMany({
      where: { tokenHash: hashToken(input.token), userId: ctx.user.id, usedAt: null, setsPassword: true, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw new ActionError(LINK_GONE, "not_found");
    const set = await ctx.tx.$executeRaw`
      UPDATE "User" SET "passwordHash" = ${passwordHash}, "name" = ${input.name},
        "sessionVersion" = "sessionVersion" + 1, "updatedAt" = now()
      WHERE "id" = ${ctx.user.id} AND "passwordHash" IS NULL AND "oidcSubject" IS NULL`;
    if (set !== 1) throw new ActionError(LINK_GONE, "not_found");
    // Every other link of this person ends here: the account has its one credential now.
    await ctx.tx.invitation.updateMany({ where: { userId: ctx.user.id, usedAt: null }, data: { usedAt: now } });
    const invitation = await ctx.tx.invitation.findUniqueOrThrow({
      where: { tokenHash: hashToken(input.token) },
      select: { tenantId: true, tenant: { select: { slug: true } } },
    });
    await ctx.audit(invitation.tenantId, { action: "member.joined", resourceType: "user", resourceId: ctx.user.id, after: { name: input.name } });
    return { email: ctx.user.email, tenant: invitation.tenant.slug };
  },
});
