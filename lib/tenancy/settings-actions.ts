"use server";

import { Prisma } from "@/lib/db/generated/client";
import { tenantAction } from "./action";
import { setBudgetSchema } from "./schemas";

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
