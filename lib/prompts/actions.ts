"use server";

import { tenantAction, type TenantContext } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { contentOf, describeVersion, insertVersion, sameContent } from "./write";
import { createPromptSchema, deletePromptSchema, restorePromptVersionSchema, savePromptVersionSchema } from "./schemas";

/** Creates a prompt with its first version. */
export const createPrompt = tenantAction({
  schema: createPromptSchema,
  permission: "prompts.manage",
  run: async (ctx, input) => {
    const taken = await ctx.tx.prompt.findUnique({ where: { tenantId_name: { tenantId: ctx.tenantId, name: input.name } }, select: { id: true } });
    if (taken) throw new ActionError("That name is taken.", "conflict", { name: ["Another prompt of this tenant has this name"] });
    await requireChatEndpoint(ctx, input.endpoint);
    const prompt = await ctx.tx.prompt.create({
      data: { tenantId: ctx.tenantId, name: input.name, description: input.description || null, latestVersion: 1 },
    });
    const version = await insertVersion(ctx, prompt.id, 1, { content: contentOf(input), endpointName: input.endpoint, note: input.note, restoredFrom: null });
    // A gateway may hold this name as unknown; it must see the prompt at once.
    ctx.invalidate({ kind: "prompt", tenantId: ctx.tenantId, name: prompt.name });
    await ctx.audit(ctx.tenantId, {
      action: "prompt.created",
      resourceType: "prompt",
      resourceId: prompt.id,
      after: { name: prompt.name, description: prompt.description, version: describeVersion(version) },
    });
    return { promptId: prompt.id, name: prompt.name, version: 1 };
  },
});

/**
 * Saves edited content as the prompt's newest version. Versions never change: an edit is always a
 * new version, and one that changes nothing (content and endpoint as the newest has them) is refused.
 */
export const savePromptVersion = tenantAction({
  schema: savePromptVersionSchema,
  permission: "prompts.manage",
  run: async (ctx, input) => {
    const prompt = await promptToChange(ctx, input.promptId);
    const latest = await latestVersionOf(ctx, prompt);
    const content = contentOf(input);
    if (sameContent(latest, { content, endpointName: input.endpoint })) {
      throw new ActionError(`Nothing changed since version ${latest.version}: change the template, a parameter or the endpoint first.`, "invalid");
    }
    await requireChatEndpoint(ctx, input.endpoint);
    const version = await appendVersion(ctx, prompt, { content, endpointName: input.endpoint, note: input.note, restoredFrom: null });
    await ctx.audit(ctx.tenantId, {
      action: "prompt.version_saved",
      resourceType: "prompt",
      resourceId: prompt.id,
      before: { name: prompt.name, latestVersion: latest.version },
      after: { name: prompt.name, version: describeVersion(version) },
    });
    return { promptId: prompt.id, name: prompt.name, version: version.version };
  },
});

/** Copies an older version as the newest one (restoredFrom names it); applications fetching the prompt get it at once. */
export const restorePromptVersion = tenantAction({
  schema: restorePromptVersionSchema,
  permission: "prompts.manage",
  run: async (ctx, input) => {
    const prompt = await promptToChange(ctx, input.promptId);
    if (input.version === prompt.latestVersion) {
      throw new ActionError(`Version ${input.version} is already the newest.`, "invalid", { version: ["Pick an older version to restore"] });
    }
    const source = await ctx.tx.promptVersion.findUnique({
      where: { tenantId_promptId_version: { tenantId: ctx.tenantId, promptId: prompt.id, version: input.version } },
    });
    if (!source) throw new ActionError(`Not found: ${prompt.name} has no version ${input.version}.`, "not_found", { version: ["No such version"] });
    // The endpoint it targeted may be gone, or another kind now; the newest version must still target a chat endpoint.
    await requireChatEndpoint(ctx, source.endpointName);
    // The very JSON the old version holds, so that the new one reads exactly as it did.
    const version = await appendVersion(ctx, prompt, {
      content: source.content,
      endpointName: source.endpointName,
      note: `Restored from version ${source.version}`,
      restoredFrom: source.version,
    });
    await ctx.audit(ctx.tenantId, {
      action: "prompt.version_restored",
      resourceType: "prompt",
      resourceId: prompt.id,
      before: { name: prompt.name, latestVersion: prompt.latestVersion },
      after: { name: prompt.name, version: describeVersion(version) },
    });
    return { promptId: prompt.id, name: prompt.name, version: version.version, restoredFrom: source.version };
  },
});

/**
 * Deletes a prompt and its versions; applications fetching it get 404 from then on. The audit
 * events keep what every version held. The name must be typed again, as a guard against slips.
 */
export const deletePrompt = tenantAction({
  schema: deletePromptSchema,
  permission: "prompts.manage",
  run: async (ctx, input) => {
    const prompt = await promptToChange(ctx, input.promptId);
    if (input.confirm !== prompt.name) {
      throw new ActionError("The name typed does not match the prompt's.", "invalid", { confirm: [`Type ${prompt.name} to confirm`] });
    }
    const versions = await ctx.tx.promptVersion.deleteMany({ where: { tenantId: ctx.tenantId, promptId: prompt.id } });
    await ctx.tx.prompt.delete({ where: { id: prompt.id, tenantId: ctx.tenantId } });
    await ctx.audit(ctx.tenantId, {
      action: "prompt.deleted",
      resourceType: "prompt",
      resourceId: prompt.id,
      before: { name: prompt.name, description: prompt.description, latestVersion: prompt.latestVersion, versions: versions.count, fetchCount: prompt.fetchCount },
    });
    return { promptId: prompt.id, name: prompt.name };
  },
});

/**
 * The prompt an action is about to change, else not found. Its change is announced here, so that
 * no action can leave the gateways serving the old version; the factory sends it only on commit.
 */
async function promptToChange(ctx: TenantContext, promptId: string) {
  const prompt = await ctx.tx.prompt.findFirst({ where: { id: promptId, tenantId: ctx.tenantId } });
  if (!prompt) throw new ActionError("Not found: no such prompt in this tenant.", "not_found");
  ctx.invalidate({ kind: "prompt", tenantId: ctx.tenantId, name: prompt.name });
  return prompt;
}

async function latestVersionOf(ctx: TenantContext, prompt: { id: string; latestVersion: number }) {
  return ctx.tx.promptVersion.findUniqueOrThrow({
    where: { tenantId_promptId_version: { tenantId: ctx.tenantId, promptId: prompt.id, version: prompt.latestVersion } },
  });
}

/** Writes the next version and moves the prompt's newest to it. The factory's lock on the tenant row keeps numbers gapless under concurrency. */
async function appendVersion(ctx: TenantContext, prompt: { id: string; latestVersion: number }, fields: Parameters<typeof insertVersion>[3]) {
  const next = prompt.latestVersion + 1;
  const version = await insertVersion(ctx, prompt.id, next, fields);
  await ctx.tx.prompt.update({ where: { id: prompt.id, tenantId: ctx.tenantId }, data: { latestVersion: next } });
  return version;
}

/** A prompt may target only a chat endpoint of its own tenant; none is allowed too. */
async function requireChatEndpoint(ctx: TenantContext, name: string | null) {
  if (name === null) return;
  const endpoint = await ctx.tx.endpoint.findUnique({ where: { tenantId_name: { tenantId: ctx.tenantId, name } }, select: { kind: true } });
  if (!endpoint) throw new ActionError("That endpoint does not exist.", "invalid", { endpoint: [`No endpoint named ${name} in this tenant`] });
  if (endpoint.kind !== "CHAT") throw new ActionError("A prompt needs a chat endpoint.", "invalid", { endpoint: [`${name} is an embeddings endpoint; pick a chat endpoint`] });
}
