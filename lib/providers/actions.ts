"use server";

import { urlRefusal } from "@/lib/net/policy";
import { encryptSecret, providerKeyBinding } from "@/lib/secrets/secrets";
import { tenantAction, type TenantContext } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { BUILTIN_PROVIDER_NAME, createBuiltinProvider } from "./builtin/provision";
import { addBuiltinProviderSchema, createProviderSchema, providerIdSchema, updateProviderSchema } from "./schemas";

/**
 * Adds a provider; its API key is sealed at rest, bound to this tenant's new row, and never leaves
 * the server again. A base URL the outbound policy refuses is a field error.
 */
export const createProvider = tenantAction({
  schema: createProviderSchema,
  permission: "providers.manage",
  run: async (ctx, input) => {
    const taken = await ctx.tx.provider.findUnique({ where: { tenantId_name: { tenantId: ctx.tenantId, name: input.name } } });
    if (taken) throw new ActionError("That name is taken.", "conflict", { name: ["Another provider of this tenant has this name"] });
    const refused = await urlRefusal(input.baseUrl);
    if (refused) throw new ActionError("Keel will not call this base URL.", "invalid", { baseUrl: [refused] });
    const created = await ctx.tx.provider.create({
      data: { tenantId: ctx.tenantId, name: input.name, kind: input.kind, baseUrl: input.baseUrl },
    });
    // The key is sealed to the row's id, which exists only now.
    const provider = input.apiKey
      ? await ctx.tx.provider.update({
          where: { id: created.id, tenantId: ctx.tenantId },
          data: { apiKeySealed: encryptSecret(input.apiKey, providerKeyBinding(created)) },
        })
      : created;
    await ctx.audit(ctx.tenantId, {
      action: "provider.created",
      resourceType: "provider",
      resourceId: provider.id,
      after: { name: provider.name, kind: provider.kind, baseUrl: provider.baseUrl, hasApiKey: !!provider.apiKeySealed },
    });
    return { providerId: provider.id };
  },
});

/** Adds the built-in offline demo models as a provider of the tenant (at most once). */
export const addBuiltinProvider = tenantAction({
  schema: addBuiltinProviderSchema,
  permission: "providers.manage",
  run: async (ctx) => {
    const existing = await ctx.tx.provider.findFirst({ where: { tenantId: ctx.tenantId, kind: "BUILTIN" }, select: { id: true } });
    if (existing) throw new ActionError("This tenant already has the built-in provider.", "conflict");
    const taken = await ctx.tx.provider.findUnique({ where: { tenantId_name: { tenantId: ctx.tenantId, name: BUILTIN_PROVIDER_NAME } } });
    if (taken) throw new ActionError(`Another provider is named "${BUILTIN_PROVIDER_NAME}"; rename it first.`, "conflict");
    const provider = await createBuiltinProvider(ctx.tx, ctx.tenantId, (event) => ctx.audit(ctx.tenantId, event));
    return { providerId: provider.id };
  },
});

/**
 * Changes a provider's base URL or key; an empty key field keeps the stored key, but only while
 * the base URL stays on the same origin (scheme, host and port). Moving a stored key to another
 * host would hand it to whoever runs that host, so a new origin needs the key entered again, or
 * the stored one removed.
 */
export const updateProvider = tenantAction({
  schema: updateProviderSchema,
  permission: "providers.manage",
  run: async (ctx, input) => {
    const provider = await providerToChange(ctx, input.providerId);
    if (provider.kind === "BUILTIN") throw new ActionError("Built-in providers have nothing to configure.", "invalid");
    const fieldErrors: Record<string, string[]> = {};
    if (input.baseUrl !== undefined) {
      const refused = await urlRefusal(input.baseUrl);
      if (refused) fieldErrors.baseUrl = [refused];
      const keptKey = provider.apiKeySealed && !input.apiKey && !input.clearApiKey;
      if (keptKey && originOf(input.baseUrl) !== originOf(provider.baseUrl)) {
        fieldErrors.apiKey = [`The stored key was for ${originOf(provider.baseUrl) ?? "another address"}; enter the key for ${originOf(input.baseUrl)}, or remove the stored key.`];
      }
    }
    if (Object.keys(fieldErrors).length > 0) throw new ActionError("Some fields need attention.", "invalid", fieldErrors);
    const baseUrl = input.baseUrl ?? provider.baseUrl;
    // A new key is sealed for the URL it is entered with; a kept one stays on its own origin.
    const apiKeySealed = input.clearApiKey ? null : input.apiKey ? encryptSecret(input.apiKey, providerKeyBinding({ ...provider, baseUrl })) : provider.apiKeySealed;
    const updated = await ctx.tx.provider.update({
      where: { id: provider.id, tenantId: ctx.tenantId },
      data: { baseUrl, apiKeySealed },
    });
    await ctx.audit(ctx.tenantId, {
      action: "provider.updated",
      resourceType: "provider",
      resourceId: provider.id,
      before: { baseUrl: provider.baseUrl, hasApiKey: !!provider.apiKeySealed },
      after: { baseUrl: updated.baseUrl, hasApiKey: !!updated.apiKeySealed, keyReplaced: !!input.apiKey },
    });
    return { providerId: provider.id };
  },
});

/** Removes a provider that no model version uses. */
export const deleteProvider = tenantAction({
  schema: providerIdSchema,
  permission: "providers.manage",
  run: async (ctx, input) => {
    const provider = await providerToChange(ctx, input.providerId);
    const used = await ctx.tx.modelVersion.count({ where: { tenantId: ctx.tenantId, providerId: provider.id } });
    if (used > 0) throw new ActionError(`${used} model version${used === 1 ? " uses" : "s use"} this provider; it cannot be removed.`, "conflict");
    await ctx.tx.provider.delete({ where: { id: provider.id, tenantId: ctx.tenantId } });
    await ctx.audit(ctx.tenantId, { action: "provider.deleted", resourceType: "provider", resourceId: provider.id, before: { name: provider.name, kind: provider.kind } });
    return { providerId: provider.id };
  },
});

function originOf(url: string | null): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/**
 * The provider an action is about to change. Its change is announced here, so that no action can
 * leave the gateways calling the old URL or key; the factory sends it only if the action commits.
 */
async function providerToChange(ctx: TenantContext, providerId: string) {
  const provider = await ctx.tx.provider.findFirst({ where: { id: providerId, tenantId: ctx.tenantId } });
  if (!provider) throw new ActionError("Not found: no such provider in this tenant.", "not_found");
  ctx.invalidate({ kind: "provider", tenantId: ctx.tenantId, providerId: provider.id });
  return provider;
}
