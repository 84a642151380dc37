import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { unique } from "@/lib/testing/factories";
import { promptContentSchema, type PromptContent } from "./schemas";
import { describeVersion } from "./write";

/** A version's content as tests write it: anything left out is empty. */
export type SeedVersion = { content?: Partial<PromptContent>; endpointName?: string | null; note?: string };

/**
 * Test factory: a prompt of the tenant with these versions (1, 2, ...), written straight to the
 * database as the actions would leave it, audit events included (the gateway serves only versions
 * whose events vouch for them). Lives here rather than in lib/testing because only the prompt tests use it.
 */
export async function seedPrompt(
  tenant: { id: string },
  opts: { name?: string; description?: string; fetchCount?: number; updatedAt?: Date; versions?: SeedVersion[] } = {},
) {
  const versions = opts.versions ?? [{}];
  return db().$transaction(async (tx) => {
    const prompt = await tx.prompt.create({
      data: { tenantId: tenant.id, name: opts.name ?? `prompt-${unique()}`, description: opts.description ?? null, latestVersion: versions.length, fetchCount: opts.fetchCount ?? 0 },
    });
    for (const [i, v] of versions.entries()) {
      const content = promptContentSchema.parse({ system: "", messages: [{ role: "user", content: `Version ${i + 1} of {{topic}}` }], parameters: {}, ...v.content });
      const version = await tx.promptVersion.create({
        data: { tenantId: tenant.id, promptId: prompt.id, version: i + 1, content: content as Prisma.InputJsonObject, endpointName: v.endpointName ?? null, note: v.note ?? "" },
      });
      const after = { name: prompt.name, ...(i === 0 ? { description: prompt.description } : {}), version: describeVersion(version) };
      await recordAudit(tx, tenant.id, { type: "SYSTEM", id: null, label: "test" }, { ip: null, userAgent: null, requestId: null }, {
        action: i === 0 ? "prompt.created" : "prompt.version_saved",
        resourceType: "prompt",
        resourceId: prompt.id,
        before: i === 0 ? undefined : { name: prompt.name, latestVersion: i },
        after,
      });
    }
    // Prisma sets updatedAt itself on every write; a test that sorts by it sets it afterwards.
    if (opts.updatedAt) await tx.$executeRaw`UPDATE "Prompt" SET "updatedAt" = ${opts.updatedAt} WHERE "id" = ${prompt.id}`;
    return { ...prompt, updatedAt: opts.updatedAt ?? prompt.updatedAt };
  });
}
