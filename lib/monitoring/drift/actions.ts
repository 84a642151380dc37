"use server";

import { tenantAction } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { setDriftReferenceSchema } from "./schemas";

const DAY = 86_400_000;

/** Pins the window a version's drift is measured against (whole UTC days), or unpins it. */
export const setDriftReference = tenantAction({
  schema: setDriftReferenceSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const version = await ctx.tx.modelVersion.findFirst({ where: { id: input.versionId, endpointId: input.endpointId, tenantId: ctx.tenantId } });
    if (!version) throw new ActionError("Not found: no such version of this endpoint.", "not_found");
    const from = input.from;
    const to = input.to ? new Date(input.to.getTime() + DAY) : null;
    await ctx.tx.modelVersion.update({ where: { id: version.id, tenantId: ctx.tenantId }, data: { driftReferenceFrom: from, driftReferenceTo: to } });
    await ctx.audit(ctx.tenantId, {
      action: "version.drift_reference_changed", resourceType: "model_version", resourceId: version.id,
      before: { from: version.driftReferenceFrom, to: version.driftReferenceTo }, after: { from, to },
    });
    return { versionId: version.id };
  },
});
