import type { AuditInput } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/client";
import { insertEndpoint } from "@/lib/endpoints/write";
import { BUILTIN_CHAT_MODEL, BUILTIN_EMBEDDING_MODEL } from "./catalog";

export const BUILTIN_PROVIDER_NAME = "Built-in (demo)";

type Audit = (event: AuditInput) => Promise<unknown>;

/** The tenant's provider row for the built-in models; a tenant has at most one. */
export async function createBuiltinProvider(tx: Tx, tenantId: string, audit: Audit) {
  const provider = await tx.provider.create({ data: { tenantId, name: BUILTIN_PROVIDER_NAME, kind: "BUILTIN" } });
  await audit({ action: "provider.created", resourceType: "provider", resourceId: provider.id, after: { name: provider.name, kind: provider.kind } });
  return provider;
}

/** `demo-chat` and `demo-embed` on the built-in models, so a fresh install answers with no provider at all. */
export async function createDemoEndpoints(tx: Tx, tenantId: string, providerId: string, audit: Audit) {
  const demos = [
    { name: "demo-chat", kind: "CHAT" as const, providerModel: BUILTIN_CHAT_MODEL, description: "Tiny offline demo chat model (TinyLlama 1.1B): try Keel with it, don't trust its answers." },
    { name: "demo-embed", kind: "EMBEDDINGS" as const, providerModel: BUILTIN_EMBEDDING_MODEL, description: "Small offline demo embedding model (Universal Sentence Encoder lite, 512 dimensions)." },
  ];
  for (const demo of demos) {
    await insertEndpoint(tx, tenantId, { ...demo, label: "builtin-1", providerId, params: {}, inputPricePerMTok: 0, outputPricePerMTok: 0 }, audit);
  }
}
