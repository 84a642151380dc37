"use server";

import { encryptSecret } from "@/lib/secrets/secrets";
import { tenantAction, type TenantContext } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { BUILTIN_PROVIDER_NAME, createBuiltinProvider } from "./builtin/provision";
import { addBuiltinProviderSchema, createProviderSchema, providerIdSchema, updateProviderSchema } from "./schemas";

/** Adds a provider; its API key is sealed at rest and never leaves the server again. */
export const createProvider = tenantAction({
  schema: createProviderSchema,
  permission: "providers.manage",
  run: async (ctx, input) => {
    const taken = await ctx.tx.provider.findUnique({ where: { tenantId_name: { tenantId: ctx.tenantId, name: input.name } } });
    if (taken) throw new ActionError("That name is taken.", "conflict", { name: ["Another provider of this tenant has this name"] });
    const provider = await ctx.tx.provider.create({
      data: {
        tenantId: ctx.tenantId,
        name: input.name,
        kind: input.kind,
        baseUrl: input.baseUrl,
        apiKeySealed: input.apiKey ? encryptSecret(input.apiKey) : null,
      },
    });
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

/** Changes a provider's base URL or key; an empty key field keeps the stored key. */
export const updateProvider = tenantAction({
  schema: updateProviderSchema,
  permission: "providers.manage",
  run: async (ctx, input) => {
    const provider = await loadProvider(ctx, input.providerId);
    if (provider.kind === "BUILTIN") throw new ActionError("Built-in providers have nothing to configure.", "invalid");
    const apiKeySealed = input.clearApiKey ? null : input.apiKey ? encryptSecret(input.apiKey) : provider.apiKeySealed;
    const updated = await ctx.tx.provider.update({
      where: { id: provider.id, tenantId: ctx.tenantId },
      data: { baseUrl: input.baseUrl ?? provider.baseUrl, apiKeySealed },
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
    const provider = await loadProvider(ctx, input.providerId);
    const used = await ctx.tx.modelVersion.count({ where: { tenantId: ctx.tenantId, providerId: provider.id } });
    if (used > 0) throw new ActionError(`${used} model version${used === 1 ? " uses" : "s use"} this provider; it cannot be removed.`, "conflict");
    await ctx.tx.provider.delete({ where: { id: provider.id, tenantId: ctx.tenantId } });
    await ctx.audit(ctx.tenantId, { action: "provider.deleted", resourceType: "provider", resourceId: provider.id, before: { name: provider.name, kind: provider.kind } });
    return { providerId: provider.id };
  },
});

async function loadProvider(ctx: TenantContext, providerId: string) {
  const provider = await ctx.tx.provider.findFirst({ where: { id: providerId, tenantId: ctx.tenantId } });
  if (!provider) throw new ActionError("Not found: no such provider in this tenant.", "not_found");
  return provider;
}
