"use server";

import type { Role } from "@/lib/db/generated/enums";
import type { Tx } from "@/lib/db/client";
import { tenantAction, type TenantContext } from "./action";
import { findOrCreateUser, issueInvitationLink } from "./invitations";
import { ActionError } from "./result";
import { changeRoleSchema, inviteMemberSchema, removeMemberSchema } from "./schemas";

/**
 * Adds a member with a role. Only a person new to Keel gets a one-time link (it sets their first
 * password); someone Keel already knows just gains the membership, so that no tenant's admin can
 * obtain a way into another tenant's member's account.
 */
export const inviteMember = tenantAction({
  schema: inviteMemberSchema,
  permission: "members.manage",
  run: async (ctx, input) => {
    if (input.role === "OWNER" && ctx.role !== "OWNER") {
      throw new ActionError("Only an owner may make someone an owner.", "forbidden", { role: ["Only an owner may grant the Owner role"] });
    }
    const found = await findOrCreateUser(ctx.tx, input.email);
    const existing = await ctx.tx.membership.findUnique({ where: { tenantId_userId: { tenantId: ctx.tenantId, userId: found.user.id } } });
    if (existing) throw new ActionError("That person is already a member.", "conflict", { email: ["Already a member of this tenant"] });
    const membership = await ctx.tx.membership.create({ data: { tenantId: ctx.tenantId, userId: found.user.id, role: input.role } });
    const link = await issueInvitationLink(ctx.tx, ctx.tenantId, found, ctx.user.id);
    await ctx.audit(ctx.tenantId, {
      action: "member.invited",
      resourceType: "membership",
      resourceId: membership.id,
      after: { email: input.email, role: input.role, newAccount: found.created },
    });
    return { membershipId: membership.id, email: input.email, newAccount: found.created, link };
  },
});

/** Changes a member's role; only owners touch the Owner role, and the last owner stays. */
export const changeMemberRole = tenantAction({
  schema: changeRoleSchema,
  permission: "members.manage",
  run: async (ctx, input) => {
    const member = await loadMember(ctx, input.membershipId);
    if (member.role === input.role) throw new ActionError(`${member.user.email} is already ${input.role}.`, "invalid", { role: ["Pick a different role"] });
    if ((member.role === "OWNER" || input.role === "OWNER") && ctx.role !== "OWNER") {
      throw new ActionError("Only an owner may grant or take away the Owner role.", "forbidden");
    }
    if (member.role === "OWNER") await keepAnOwner(ctx.tx, ctx.tenantId, "demote");
    await ctx.tx.membership.update({ where: { id: member.id, tenantId: ctx.tenantId }, data: { role: input.role } });
    await ctx.audit(ctx.tenantId, {
      action: "member.role_changed",
      resourceType: "membership",
      resourceId: member.id,
      before: { email: member.user.email, role: member.role },
      after: { email: member.user.email, role: input.role },
    });
    return { membershipId: member.id, role: input.role as Role };
  },
});

/** Removes a member from the tenant (their user account stays). */
export const removeMember = tenantAction({
  schema: removeMemberSchema,
  permission: "members.manage",
  run: async (ctx, input) => {
    const member = await loadMember(ctx, input.membershipId);
    if (member.role === "OWNER" && ctx.role !== "OWNER") throw new ActionError("Only an owner may remove an owner.", "forbidden");
    if (member.role === "OWNER") await keepAnOwner(ctx.tx, ctx.tenantId, "remove");
    await ctx.tx.invitation.deleteMany({ where: { tenantId: ctx.tenantId, userId: member.userId, usedAt: null } });
    await ctx.tx.membership.delete({ where: { id: member.id, tenantId: ctx.tenantId } });
    await ctx.audit(ctx.tenantId, {
      action: "member.removed",
      resourceType: "membership",
      resourceId: member.id,
      before: { email: member.user.email, role: member.role },
    });
    return { membershipId: member.id };
  },
});

async function loadMember(ctx: TenantContext, membershipId: string) {
  const member = await ctx.tx.membership.findFirst({
    where: { id: membershipId, tenantId: ctx.tenantId },
    include: { user: { select: { email: true } } },
  });
  if (!member) throw new ActionError("Not found: no such member in this tenant.", "not_found");
  return member;
}

async function keepAnOwner(tx: Tx, tenantId: string, verb: "demote" | "remove") {
  const owners = await tx.membership.count({ where: { tenantId, role: "OWNER" } });
  if (owners <= 1) throw new ActionError(`You cannot ${verb} the last owner. Make someone else an owner first.`, "conflict");
}
