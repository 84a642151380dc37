"use server";

import { Prisma } from "@/lib/db/generated/client";
import { CONTENT_RETENTION_CHANGED } from "@/lib/privacy/mode";
import { tenantAction } from "./action";
import { ActionError } from "./result";
import { setBudgetSchema, setContentRetentionSchema } from "./schemas";

/** Sets or clears the tenant's monthly gateway budget; the gateway refuses calls past it. */
export const setMonthlyBudget = tenantAction({
  schema: setBudgetSchema,
  permission: "settings.manage",
  run: async (ctx, input) => {
    const before = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { monthlyBudgetUsd: true } });
    await ctx.tx.tenant.update({
      where: { id: ctx.tenantId },
      data: { monthlyBudgetUsd: input.monthlyBudgetUsd === null ? null : new Prisma.Decimal(input.monthlyBudgetUsd) },
    });
    ctx.invalidate({ kind: "tenant", tenantId: ctx.tenantId });
    await ctx.audit(ctx.tenantId, {
      action: "tenant.budget_changed",
      resourceType: "tenant",
      resourceId: ctx.tenantId,
      before: { monthlyBudgetUsd: before.monthlyBudgetUsd?.toString() ?? null },
      after: { monthlyBudgetUsd: input.monthlyBudgetUsd === null ? null : input.monthlyBudgetUsd.toFixed(2) },
    });
    return { monthlyBudgetUsd: input.monthlyBudgetUsd };
  },
});

/**
 * Privacy mode for request content: input hashes only (null), or prompts and responses kept,
 * redacted, for a number of days. Gateways drop their cached tenant at once. A new retention
 * applies to content stored from then on; turning storage off stops storing and deletes nothing at
 * once, each stored row still expiring when its own retention ends.
 */
export const setContentRetention = tenantAction({
  schema: setContentRetentionSchema,
  permission: "settings.manage",
  run: async (ctx, input) => {
    const days = input.mode === "content" ? (input.contentRetentionDays ?? null) : null;
    if (input.mode === "content" && days === null) {
      throw new ActionError("Some fields need attention.", "invalid", { contentRetentionDays: ["Enter how many days to keep content, from 1 to 3650"] });
    }
    const before = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { contentRetentionDays: true } });
    await ctx.tx.tenant.update({ where: { id: ctx.tenantId }, data: { contentRetentionDays: days } });
    ctx.invalidate({ kind: "tenant", tenantId: ctx.tenantId });
    await ctx.audit(ctx.tenantId, {
      action: CONTENT_RETENTION_CHANGED,
      resourceType: "tenant",
      resourceId: ctx.tenantId,
      before: { contentRetentionDays: before.contentRetentionDays },
      after: { contentRetentionDays: days },
    });
    return { contentRetentionDays: days };
  },
});
