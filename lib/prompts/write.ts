import { canonicalJson } from "@/lib/audit/chain";
import type { Prisma } from "@/lib/db/generated/client";
import type { TenantContext } from "@/lib/tenancy/action";
import { contentHash } from "./integrity";
import type { PromptContent } from "./schemas";

/** What a new version holds besides its number. */
export type VersionFields = { content: unknown; endpointName: string | null; note: string; restoredFrom: number | null };

/** The content part of an editor's input, as versions store it. */
export function contentOf(input: PromptContent): PromptContent {
  return { system: input.system, messages: input.messages, parameters: input.parameters };
}

/** Inserts version `version` of the prompt, written by the acting user. */
export function insertVersion(ctx: Pick<TenantContext, "tx" | "tenantId" | "user">, promptId: string, version: number, fields: VersionFields) {
  return ctx.tx.promptVersion.create({
    data: {
      tenantId: ctx.tenantId,
      promptId,
      version,
      content: fields.content as Prisma.InputJsonValue,
      endpointName: fields.endpointName,
      note: fields.note,
      restoredFrom: fields.restoredFrom,
      createdById: ctx.user.id,
    },
  });
}

/** Whether a version already holds this content and endpoint (key order aside). */
export function sameContent(version: { content: unknown; endpointName: string | null }, next: { content: unknown; endpointName: string | null }): boolean {
  return version.endpointName === next.endpointName && canonicalJson(version.content) === canonicalJson(next.content);
}

/**
 * A version as audit events show it: everything it holds, and a hash of its content, so the trail
 * says what each version was even after the prompt is deleted.
 */
export function describeVersion(v: { version: number; content: unknown; endpointName: string | null; note: string; restoredFrom: number | null }) {
  return {
    version: v.version,
    endpointName: v.endpointName,
    note: v.note,
    restoredFrom: v.restoredFrom,
    contentSha256: contentHash(v.content),
    content: v.content,
  };
}
