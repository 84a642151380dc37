"use server";

import { z } from "zod";
import { accountAction } from "@/lib/tenancy/action";
import { hashToken } from "@/lib/tenancy/invitations";
import { ActionError } from "@/lib/tenancy/result";
import { acceptInvitationSchema } from "@/lib/tenancy/schemas";
import { hashPassword } from "./password";

/** Ends every session of the signed-in user on every device, this one included. */
export const signOutEverywhere = accountAction({
  schema: z.object({}),
  run: async (ctx) => {
    await ctx.tx.user.update({ where: { id: ctx.user.id }, data: { sessionVersion: { increment: 1 } } });
    const memberships = await ctx.tx.membership.findMany({ where: { userId: ctx.user.id }, select: { tenantId: true } });
    for (const m of memberships) {
      await ctx.audit(m.tenantId, { action: "user.signed_out_everywhere", resourceType: "user", resourceId: ctx.user.id });
    }
    return { signedOut: true };
  },
});

/** Redeems a one-time sign-in link: the invited person sets their name and password. */
export const acceptInvitation = accountAction({
  schema: acceptInvitationSchema,
  identify: async (tx, _caller, input) => {
    const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(input.token) }, include: { user: true } });
    if (!invitation || invitation.usedAt || invitation.expiresAt < new Date()) {
      throw new ActionError("This link has expired or was already used. Ask an admin for a new one.", "not_found");
    }
    return { id: invitation.user.id, email: invitation.user.email, isPlatformAdmin: invitation.user.isPlatformAdmin };
  },
  run: async (ctx, input) => {
    const invitation = await ctx.tx.invitation.update({
      where: { tokenHash: hashToken(input.token), usedAt: null },
      data: { usedAt: new Date() },
      include: { tenant: { select: { slug: true } } },
    });
    await ctx.tx.user.update({
      where: { id: ctx.user.id },
      data: { name: input.name, passwordHash: await hashPassword(input.password) },
    });
    await ctx.audit(invitation.tenantId, { action: "member.joined", resourceType: "user", resourceId: ctx.user.id, after: { name: input.name } });
    return { email: ctx.user.email, tenant: invitation.tenant.slug };
  },
});
