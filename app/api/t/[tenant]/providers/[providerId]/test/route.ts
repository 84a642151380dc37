import { db } from "@/lib/db/client";
import { BUILTIN_MODELS } from "@/lib/providers/builtin/catalog";
import { testOpenAiCompatible } from "@/lib/providers/connection";
import { decryptSecret } from "@/lib/secrets/secrets";
import { problem, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** Lists the provider's models, or says why it could not: the "Test connection" button. */
export const POST = tenantRoute("providers.manage", async (_req, ctx) => {
  const provider = await db().provider.findFirst({ where: { id: ctx.params.providerId, tenantId: ctx.tenantId } });
  if (!provider) return problem(404, "not_found", "No such provider in this tenant.");
  // The built-in models load in the gateway on first use; the try-it panel is their real test.
  if (provider.kind === "BUILTIN") return Response.json({ ok: true, models: BUILTIN_MODELS.map((m) => m.id) });
  if (!provider.baseUrl) return Response.json({ ok: false, error: "The provider has no base URL." });
  const key = provider.apiKeySealed ? decryptSecret(provider.apiKeySealed) : null;
  return Response.json(await testOpenAiCompatible(provider.baseUrl, key));
});
