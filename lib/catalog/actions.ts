"use server";

import { Prisma } from "@/lib/db/generated/client";
import { tenantAction, type TenantContext } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { retireVersionSchema, updateVersionCardSchema } from "./schemas";

const orNull = (v: string) => (v === "" ? null : v);

/**
 * Fills in a draft version's catalog entry: artifact, base model, dataset snapshot, hyperparameters,
 * fine-tune job, owner and model card. A version that has served is fixed: a change is a new version.
 */
export const updateVersionCard = tenantAction({
  schema: updateVersionCardSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const version = await versionOf(ctx, input.versionId);
    if (version.releasedAt) throw new ActionError(`${version.label} has served, so its entry is fixed: add a new version for a change.`, "conflict");
    if (version.retiredAt) throw new ActionError(`${version.label} is retired; its entry is fixed.`, "conflict");
    // A fine-tuned version's lineage is what Keel saw its job do: its card may change, its lineage not.
    const tuned = await ctx.tx.fineTuneJob.findFirst({ where: { tenantId: ctx.tenantId, versionId: version.id }, select: { id: true } });
    if (tuned) {
      const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      const changed = (["baseModel", "datasetName", "datasetHash", "fineTuneJobId"] as const).filter((f) => !same(orNull(input[f]), version[f]));
      if (!same(input.hyperparameters, version.hyperparameters)) changed.push("hyperparameters" as never);
      if (changed.length) throw new ActionError("Keel filled in this fine-tuned version's lineage from its job; it cannot be changed.", "conflict", Object.fromEntries(changed.map((f) => [f, ["Set by the fine-tuning job"]])));
    }
    if (input.ownerId) {
      const member = await ctx.tx.membership.findFirst({ where: { tenantId: ctx.tenantId, userId: input.ownerId }, select: { id: true } });
      if (!member) throw new ActionError("The owner must be a member of this tenant.", "invalid", { ownerId: ["Pick a member of this tenant"] });
    }
    const card = { intendedUse: input.intendedUse, limitations: input.limitations, risks: input.risks };
    const data = {
      artifactDigest: orNull(input.artifactDigest), baseModel: orNull(input.baseModel), datasetName: orNull(input.datasetName), datasetUri: orNull(input.datasetUri),
      datasetHash: orNull(input.datasetHash), fineTuneJobId: orNull(input.fineTuneJobId), ownerId: orNull(input.ownerId),
    };
    await ctx.tx.modelVersion.update({
      where: { id: version.id, tenantId: ctx.tenantId },
      data: { ...data, hyperparameters: input.hyperparameters === null ? Prisma.DbNull : (input.hyperparameters as Prisma.InputJsonValue), modelCard: card },
    });
    await ctx.audit(ctx.tenantId, {
      action: "version.card_updated",
      resourceType: "endpoint",
      resourceId: version.endpointId,
      before: { versionId: version.id, ...pick(version), modelCard: version.modelCard },
      after: { versionId: version.id, label: version.label, ...data, hyperparameters: input.hyperparameters, modelCard: card },
    });
    return { versionId: version.id };
  },
});

/** Retires a version that no longer serves: it may not be made active, a fallback or a candidate again. */
export const retireVersion = tenantAction({
  schema: retireVersionSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const version = await versionOf(ctx, input.versionId);
    if (version.retiredAt) throw new ActionError(`${version.label} is already retired.`, "conflict");
    const endpoint = await ctx.tx.endpoint.findFirstOrThrow({ where: { id: version.endpointId, tenantId: ctx.tenantId } });
    if (endpoint.activeVersionId === version.id) throw new ActionError(`${version.label} is the active version; activate another before retiring it.`, "conflict");
    if (endpoint.fallbackVersionIds.includes(version.id)) throw new ActionError(`${version.label} is a fallback; remove it from the fallbacks before retiring it.`, "conflict");
    const rollout = await ctx.tx.rollout.findFirst({ where: { tenantId: ctx.tenantId, status: "RUNNING", OR: [{ candidateVersionId: version.id }, { baselineVersionId: version.id }] }, select: { id: true } });
    if (rollout) throw new ActionError(`${version.label} is in a running rollout; finish or cancel it first.`, "conflict");
    await ctx.tx.modelVersion.update({ where: { id: version.id, tenantId: ctx.tenantId }, data: { retiredAt: new Date() } });
    ctx.invalidate({ kind: "endpoint", tenantId: ctx.tenantId, endpointId: endpoint.id });
    await ctx.audit(ctx.tenantId, { action: "version.retired", resourceType: "endpoint", resourceId: endpoint.id, after: { versionId: version.id, label: version.label } });
    return { versionId: version.id };
  },
});

async function versionOf(ctx: TenantContext, versionId: string) {
  const version = await ctx.tx.modelVersion.findFirst({ where: { id: versionId, tenantId: ctx.tenantId } });
  if (!version) throw new ActionError("Not found: no such version in this tenant.", "not_found");
  return version;
}

function pick(v: { artifactDigest: string | null; baseModel: string | null; datasetName: string | null; datasetUri: string | null; datasetHash: string | null; fineTuneJobId: string | null; ownerId: string | null; hyperparameters: unknown }) {
  return { artifactDigest: v.artifactDigest, baseModel: v.baseModel, datasetName: v.datasetName, datasetUri: v.datasetUri, datasetHash: v.datasetHash, fineTuneJobId: v.fineTuneJobId, ownerId: v.ownerId, hyperparameters: v.hyperparameters };
}
