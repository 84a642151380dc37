import { db } from "@/lib/db/client";
import { BUILTIN_MODELS } from "@/lib/providers/builtin/catalog";
import { testOpenAiCompatible } from "@/lib/providers/connection";
import { decryptSecret, providerKeyBinding } from "@/lib/secrets/secrets";
import { problem, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** Lists the provider's models, or says why it could not: the "Test connection" button. */
export const POST = tenantRoute("providers.manage", async (_req, ctx) => {
  const provider = await db().provider.findFirst({ where: { id: ctx.params.providerId, tenantId: ctx.tenantId } });
  if (!provider) return problem(404, "not_found", "No such provider in this tenant.");
  // The built-in models load in the gateway on first use; the try-it panel is their real test.
  if (provider.kind === "BUILTIN") return Response.json({ ok: true, models: BUILTIN_MODELS.map((m) => m.id) });
  if (!provider.baseUrl) return Response.json({ ok: false, error: "The provider has no base URL." });
  let key: string | null = null;
  try {
    key = provider.apiKeySealed ? decryptSecret(provider.apiKeySealed, providerKeyBinding(provider)) : null;
  } catch {
    return Response.json({ ok: false, error: "Keel cannot decrypt this provider's stored key (its master key is gone, or the stored value was altered); enter the key again." });
  }
  // testOpenAiCompatible checks the URL and every connection against the outbound policy.
  return Response.json(await testOpenAiCompatible(provider.baseUrl, key));
});
