import { db } from "@/lib/db/client";
import { testOpenAiCompatible } from "@/lib/providers/connection";
import { decryptSecret } from "@/lib/secrets/secrets";
import { tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** Lists the provider's models, or says why it could not: the "Test connection" button. */
export const POST = tenantRoute("providers.manage", async (_req, ctx) => {
  const provider = await db().provider.findFirst({ where: { id: ctx.params.providerId, tenantId: ctx.tenantId } });
  if (!provider) return Response.json({ error: { code: "not_found", message: "No such provider in this tenant." } }, { status: 404 });
  if (provider.kind !== "OPENAI_COMPATIBLE" || !provider.baseUrl) return Response.json({ ok: false, error: "Only OpenAI-compatible providers can be tested." });
  const key = provider.apiKeySealed ? decryptSecret(provider.apiKeySealed) : null;
  return Response.json(await testOpenAiCompatible(provider.baseUrl, key));
});
