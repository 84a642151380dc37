"use server";

import { tenantAction } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { createApiKeySchema, revokeApiKeySchema } from "./schemas";
import { generateApiKey } from "./secret";

/** Creates an API key; its secret is returned this once and only its hash is stored. */
export const createApiKey = tenantAction({
  schema: createApiKeySchema,
  permission: "keys.manage",
  run: async (ctx, input) => {
    if (input.allowedEndpoints.length > 0) {
      const found = await ctx.tx.endpoint.findMany({ where: { tenantId: ctx.tenantId, name: { in: input.allowedEndpoints } }, select: { name: true } });
      const missing = input.allowedEndpoints.filter((n) => !found.some((f) => f.name === n));
      if (missing.length) throw new ActionError("Some endpoints do not exist.", "invalid", { allowedEndpoints: [`No endpoint named ${missing.join(", ")}`] });
    }
    const { secret, secretHash, prefix } = generateApiKey();
    const key = await ctx.tx.apiKey.create({
      data: {
        tenantId: ctx.tenantId,
        name: input.name,
        prefix,
        secretHash,
        allowedEndpoints: input.allowedEndpoints,
        requestsPerMinute: input.requestsPerMinute,
        tokensPerMinute: input.tokensPerMinute,
        expiresAt: input.expiresAt,
        createdById: ctx.user.id,
      },
    });
    await ctx.audit(ctx.tenantId, {
      action: "api_key.created",
      resourceType: "api_key",
      resourceId: key.id,
      after: {
        name: key.name,
        prefix,
        allowedEndpoints: key.allowedEndpoints,
        requestsPerMinute: key.requestsPerMinute,
        tokensPerMinute: key.tokensPerMinute,
        expiresAt: key.expiresAt,
      },
    });
    return { apiKeyId: key.id, secret, prefix };
  },
});

/** Revokes a key; every instance refuses it at once (within the gateway's cache TTL if Redis is down). */
export const revokeApiKey = tenantAction({
  schema: revokeApiKeySchema,
  permission: "keys.manage",
  run: async (ctx, input) => {
    const key = await ctx.tx.apiKey.findFirst({ where: { id: input.apiKeyId, tenantId: ctx.tenantId } });
    if (!key) throw new ActionError("Not found: no such API key in this tenant.", "not_found");
    if (key.revokedAt) throw new ActionError("This key is already revoked.", "invalid");
    const revoked = await ctx.tx.apiKey.update({ where: { id: key.id, tenantId: ctx.tenantId }, data: { revokedAt: new Date() } });
    ctx.invalidate({ kind: "key", tenantId: ctx.tenantId, keyId: key.id });
    await ctx.audit(ctx.tenantId, {
      action: "api_key.revoked",
      resourceType: "api_key",
      resourceId: key.id,
      before: { name: key.name, prefix: key.prefix, revokedAt: null },
      after: { revokedAt: revoked.revokedAt },
    });
    return { apiKeyId: key.id };
  },
});
