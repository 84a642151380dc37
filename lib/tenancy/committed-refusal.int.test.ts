import { z } from "zod";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { accountAction, platformAction, tenantAction } from "./action";
import { CommittedRefusal } from "./result";

useTestDatabase();

describe("a committed refusal", () => {
  it("in a tenant action, after a write and no audit event, commits nothing", async () => {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "OWNER");
    const sneaky = tenantAction({
      schema: z.object({}),
      permission: "settings.manage",
      run: async (ctx) => {
        await ctx.tx.tenant.update({ where: { id: ctx.tenantId }, data: { monthlyBudgetUsd: "1" } });
        throw new CommittedRefusal("Refused, but keep my write.");
      },
    });
    expect(await sneaky.runAs(callerFor(user), { tenant: tenant.slug })).toEqual({ ok: false, error: "Refused, but keep my write." });
    expect((await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).monthlyBudgetUsd).toBeNull();
  });

  it("in a platform action, after a write and no audit event, commits nothing", async () => {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "OWNER");
    await db().user.update({ where: { id: user.id }, data: { isPlatformAdmin: true } });
    const sneaky = platformAction({
      schema: z.object({}),
      run: async (ctx) => {
        await ctx.tx.tenant.update({ where: { id: tenant.id }, data: { status: "SUSPENDED" } });
        throw new CommittedRefusal("Refused, but keep my write.");
      },
    });
    expect((await sneaky.runAs(callerFor(user), {})).ok).toBe(false);
    expect((await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe("ACTIVE");
  });

  it("in an account action, keeps what was written before it (the throttle's count) and answers with its message", async () => {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "VIEWER");
    const counted = accountAction({
      schema: z.object({}),
      run: async (ctx) => {
        await ctx.tx.user.update({ where: { id: ctx.user.id }, data: { name: "counted" } });
        throw new CommittedRefusal("Counted, and refused.", "invalid", { current: ["no"] });
      },
    });
    expect(await counted.runAs(callerFor(user), {})).toEqual({ ok: false, error: "Counted, and refused.", fieldErrors: { current: ["no"] } });
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("counted");
  });
});
