"use server";

import { platformAction } from "./action";
import { findOrCreateUser, issueInvitationLink } from "./invitations";
import { ActionError } from "./result";
import { createTenantSchema, setTenantStatusSchema } from "./schemas";

/**
 * Creates a tenant with its first owner. Only an owner new to Keel gets a one-time link; one Keel
 * already knows signs in as before (or with the link of the invitation that created them).
 */
export const createTenant = platformAction({
  schema: createTenantSchema,
  run: async (ctx, input) => {
    const taken = await ctx.tx.tenant.findUnique({ where: { slug: input.slug }, select: { id: true } });
    if (taken) throw new ActionError("That slug is taken.", "conflict", { slug: ["Another tenant already uses this slug"] });
    const tenant = await ctx.tx.tenant.create({ data: { name: input.name, slug: input.slug } });
    const found = await findOrCreateUser(ctx.tx, input.ownerEmail);
    const owner = found.user;
    const membership = await ctx.tx.membership.create({ data: { tenantId: tenant.id, userId: owner.id, role: "OWNER" } });
    const link = await issueInvitationLink(ctx.tx, tenant.id, found, ctx.user.id);
    await ctx.audit(tenant.id, {
      action: "tenant.created",
      resourceType: "tenant",
      resourceId: tenant.id,
      after: { name: tenant.name, slug: tenant.slug, status: tenant.status },
    });
    await ctx.audit(tenant.id, {
      action: "member.invited",
      resourceType: "membership",
      resourceId: membership.id,
      after: { email: owner.email, role: "OWNER", newAccount: found.created },
    });
    return { tenantId: tenant.id, slug: tenant.slug, ownerEmail: owner.email, ownerIsYou: owner.id === ctx.user.id, newAccount: found.created, link };
  },
});

/** Suspends a tenant (its members keep read access, nothing can change) or resumes it. */
export const setTenantStatus = platformAction({
  schema: setTenantStatusSchema,
  run: async (ctx, input) => {
    const tenant = await ctx.tx.tenant.findUnique({ where: { id: input.tenantId } });
    if (!tenant) throw new ActionError("Not found: no such tenant.", "not_found");
    if (tenant.status === input.status) throw new ActionError(`The tenant is already ${input.status.toLowerCase()}.`, "invalid");
    const updated = await ctx.tx.tenant.update({
      where: { id: tenant.id },
      data: { status: input.status, suspendedAt: input.status === "SUSPENDED" ? new Date() : null },
    });
    ctx.invalidate({ kind: "tenant", tenantId: tenant.id });
    await ctx.audit(tenant.id, {
      action: input.status === "SUSPENDED" ? "tenant.suspended" : "tenant.resumed",
      resourceType: "tenant",
      resourceId: tenant.id,
      before: { status: tenant.status },
      after: { status: updated.status },
    });
    return { tenantId: tenant.id, status: updated.status };
  },
});
