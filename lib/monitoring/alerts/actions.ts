"use server";

import crypto from "node:crypto";
import { Prisma } from "@/lib/db/generated/client";
import { urlRefusal } from "@/lib/net/policy";
import { encryptSecret, webhookSecretBinding } from "@/lib/secrets/secrets";
import { tenantAction } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { acknowledgeAlertSchema, setAlertWebhookSchema, setBudgetAlertsSchema, setKeyBudgetSchema } from "./schemas";
import { newWebhookSecret } from "./signature";

/** Marks an alert as seen: it leaves the open list, and who acknowledged it is kept. */
export const acknowledgeAlert = tenantAction({
  schema: acknowledgeAlertSchema,
  permission: "alerts.manage",
  run: async (ctx, input) => {
    const alert = await ctx.tx.alert.findFirst({ where: { id: input.alertId, tenantId: ctx.tenantId } });
    if (!alert) throw new ActionError("Not found: no such alert in this tenant.", "not_found");
    const at = new Date();
    // Only while still open, in the one statement: two people acknowledging at once make one acknowledgement.
    const { count } = await ctx.tx.alert.updateMany({ where: { id: alert.id, tenantId: ctx.tenantId, acknowledgedAt: null }, data: { acknowledgedAt: at, acknowledgedBy: ctx.user.id } });
    if (count === 0) throw new ActionError("This alert is already acknowledged.", "invalid");
    await ctx.audit(ctx.tenantId, {
      action: "alert.acknowledged", resourceType: "alert", resourceId: alert.id,
      before: { acknowledgedAt: null }, after: { kind: alert.kind, title: alert.title, acknowledgedAt: at },
    });
    return { alertId: alert.id };
  },
});

/**
 * Sets where alerts are POSTed, or stops it. The URL must pass the outbound-URL policy now (a
 * private address needs the platform's allow-list), and passes it again at every delivery. Each
 * new URL gets a new signing secret, returned this once.
 */
export const setAlertWebhook = tenantAction({
  schema: setAlertWebhookSchema,
  permission: "settings.manage",
  run: async (ctx, input) => {
    const refusal = input.url ? await urlRefusal(input.url) : null;
    if (refusal) throw new ActionError("Keel will not send alerts there.", "invalid", { url: [refusal] });
    const before = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { alertWebhookUrl: true } });
    const secret = input.url ? newWebhookSecret() : null;
    await ctx.tx.tenant.update({
      where: { id: ctx.tenantId },
      data: { alertWebhookUrl: input.url, alertWebhookSecret: secret ? encryptSecret(secret, webhookSecretBinding({ id: ctx.tenantId, alertWebhookUrl: input.url })) : null },
    });
    await ctx.audit(ctx.tenantId, {
      action: "tenant.alert_webhook_changed", resourceType: "tenant", resourceId: ctx.tenantId,
      // A webhook URL can be a credential itself (a chat tool's incoming hook): the trail keeps where it points and a digest.
      before: urlFacts(before.alertWebhookUrl), after: { ...urlFacts(input.url), secretRotated: secret !== null },
    });
    return { url: input.url, secret };
  },
});

function urlFacts(url: string | null): { host: string | null; sha256: string | null } {
  return url ? { host: new URL(url).host, sha256: crypto.hash("sha256", url) } : { host: null, sha256: null };
}

/** The percentages of the monthly budget at which the tenant is alerted. */
export const setBudgetAlerts = tenantAction({
  schema: setBudgetAlertsSchema,
  permission: "settings.manage",
  run: async (ctx, input) => {
    const before = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { budgetAlertPercents: true } });
    await ctx.tx.tenant.update({ where: { id: ctx.tenantId }, data: { budgetAlertPercents: input.percents } });
    await ctx.audit(ctx.tenantId, {
      action: "tenant.budget_alerts_changed", resourceType: "tenant", resourceId: ctx.tenantId,
      before: { percents: before.budgetAlertPercents }, after: { percents: input.percents },
    });
    return { percents: input.percents };
  },
});

/** A key's own monthly budget: HARD refuses its calls past it (every instance at once), SOFT only alerts. */
export const setKeyBudget = tenantAction({
  schema: setKeyBudgetSchema,
  permission: "keys.manage",
  run: async (ctx, input) => {
    const key = await ctx.tx.apiKey.findFirst({ where: { id: input.apiKeyId, tenantId: ctx.tenantId } });
    if (!key) throw new ActionError("Not found: no such API key in this tenant.", "not_found");
    await ctx.tx.apiKey.update({
      where: { id: key.id, tenantId: ctx.tenantId },
      data: { monthlyBudgetUsd: input.monthlyBudgetUsd === null ? null : new Prisma.Decimal(input.monthlyBudgetUsd), budgetMode: input.mode },
    });
    ctx.invalidate({ kind: "key", tenantId: ctx.tenantId, keyId: key.id });
    await ctx.audit(ctx.tenantId, {
      action: "api_key.budget_changed", resourceType: "api_key", resourceId: key.id,
      before: { monthlyBudgetUsd: key.monthlyBudgetUsd?.toString() ?? null, mode: key.budgetMode },
      after: { monthlyBudgetUsd: input.monthlyBudgetUsd === null ? null : input.monthlyBudgetUsd.toFixed(2), mode: input.mode },
    });
    return { apiKeyId: key.id };
  },
});
