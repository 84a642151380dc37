"use server";

import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { EndpointKind } from "@/lib/db/generated/enums";
import { BUILTIN_MODELS } from "@/lib/providers/builtin/catalog";
import { markReleased, requireNotRetired } from "@/lib/catalog/release";
import { tenantAction, type TenantContext } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { pricesForNewVersion, requirePriced } from "./prices";
import { createVersion, describeVersion, insertEndpoint } from "./write";
import {
  activateVersionSchema,
  addVersionSchema,
  createEndpointSchema,
  setFallbackVersionsSchema,
  setVersionPricesSchema,
  updateEndpointSchema,
} from "./schemas";

/**
 * Creates an endpoint with its first model version, active at once when it is priced. A version
 * its creator could not price (see pricesForNewVersion) leaves the endpoint without an active
 * version until a manager prices it; callers get 404 until then.
 */
export const createEndpoint = tenantAction({
  schema: createEndpointSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const taken = await ctx.tx.endpoint.findUnique({ where: { tenantId_name: { tenantId: ctx.tenantId, name: input.name } } });
    if (taken) throw new ActionError("That name is taken.", "conflict", { name: ["Another endpoint of this tenant has this name"] });
    const provider = await requireProvider(ctx.tx, ctx.tenantId, input.providerId, input.kind, input.providerModel);
    const prices = pricesForNewVersion(ctx.role, input, provider, input.providerModel, null);
    const { endpoint, version } = await insertEndpoint(ctx.tx, ctx.tenantId, { ...input, ...prices }, (event) => ctx.audit(ctx.tenantId, event));
    ctx.invalidate({ kind: "endpoint", tenantId: ctx.tenantId, endpointId: endpoint.id });
    return { endpointId: endpoint.id, name: endpoint.name, awaitingPrices: !version.priced };
  },
});

/** Adds a version to an endpoint; optionally makes it the one that answers, if it is priced. */
export const addVersion = tenantAction({
  schema: addVersionSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const endpoint = await endpointToChange(ctx, input.endpointId);
    const clash = await ctx.tx.modelVersion.findFirst({ where: { tenantId: ctx.tenantId, endpointId: endpoint.id, label: input.label } });
    if (clash) throw new ActionError("That label is taken.", "conflict", { label: ["This endpoint already has a version with this label"] });
    const provider = await requireProvider(ctx.tx, ctx.tenantId, input.providerId, endpoint.kind, input.providerModel);
    const active = endpoint.activeVersionId
      ? await ctx.tx.modelVersion.findFirst({ where: { id: endpoint.activeVersionId, tenantId: ctx.tenantId, endpointId: endpoint.id } })
      : null;
    const prices = pricesForNewVersion(ctx.role, input, provider, input.providerModel, active);
    if (input.activate) requirePriced([{ label: input.label, priced: prices.priced }], "active", "activate");
    if (input.activate) await refuseDuringRollout(ctx, endpoint.id);
    const version = await createVersion(ctx.tx, ctx.tenantId, endpoint.id, { ...input, ...prices });
    if (input.activate) {
      await ctx.tx.endpoint.update({ where: { id: endpoint.id, tenantId: ctx.tenantId }, data: { activeVersionId: version.id } });
      await markReleased(ctx.tx, ctx.tenantId, [version.id]);
    }
    await ctx.audit(ctx.tenantId, {
      action: "endpoint.version_added",
      resourceType: "endpoint",
      resourceId: endpoint.id,
      after: { version: describeVersion(version), activated: input.activate },
    });
    return { versionId: version.id, awaitingPrices: !version.priced };
  },
});

/**
 * Sets a version's prices (USD per million tokens), which the gateway charges against the budget.
 * A version waiting for prices can serve from then on; if its endpoint has no active version yet
 * (a developer created it on this version), it becomes the active one.
 */
export const setVersionPrices = tenantAction({
  schema: setVersionPricesSchema,
  permission: "prices.manage",
  run: async (ctx, input) => {
    const endpoint = await endpointToChange(ctx, input.endpointId);
    const version = await versionOf(ctx, endpoint.id, input.versionId);
    const updated = await ctx.tx.modelVersion.update({
      where: { id: version.id, tenantId: ctx.tenantId },
      data: { inputPricePerMTok: new Prisma.Decimal(input.inputPricePerMTok), outputPricePerMTok: new Prisma.Decimal(input.outputPricePerMTok), priced: true },
    });
    const activated = endpoint.activeVersionId === null && version.retiredAt === null;
    if (activated) {
      await ctx.tx.endpoint.update({ where: { id: endpoint.id, tenantId: ctx.tenantId }, data: { activeVersionId: version.id } });
      await markReleased(ctx.tx, ctx.tenantId, [version.id]);
    }
    const prices = (v: typeof version) => ({ inputPricePerMTok: v.inputPricePerMTok.toString(), outputPricePerMTok: v.outputPricePerMTok.toString(), priced: v.priced });
    await ctx.audit(ctx.tenantId, {
      action: "endpoint.version_priced",
      resourceType: "endpoint",
      resourceId: endpoint.id,
      before: { versionId: version.id, label: version.label, ...prices(version) },
      after: { versionId: version.id, label: version.label, ...prices(updated), activated },
    });
    return { versionId: version.id, activated };
  },
});

/** Switches which version answers the endpoint's traffic. */
export const activateVersion = tenantAction({
  schema: activateVersionSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const endpoint = await endpointToChange(ctx, input.endpointId);
    const version = await versionOf(ctx, endpoint.id, input.versionId);
    if (endpoint.activeVersionId === version.id) throw new ActionError(`${version.label} is already active.`, "invalid");
    requirePriced([version], "active");
    requireNotRetired([version]);
    await refuseDuringRollout(ctx, endpoint.id);
    // The active version cannot also be its own fallback: it leaves the list as it takes over.
    const fallbackVersionIds = endpoint.fallbackVersionIds.filter((id) => id !== version.id);
    await ctx.tx.endpoint.update({ where: { id: endpoint.id, tenantId: ctx.tenantId }, data: { activeVersionId: version.id, fallbackVersionIds } });
    await markReleased(ctx.tx, ctx.tenantId, [version.id]);
    await ctx.audit(ctx.tenantId, {
      action: "endpoint.version_activated",
      resourceType: "endpoint",
      resourceId: endpoint.id,
      before: { activeVersionId: endpoint.activeVersionId, fallbackVersionIds: endpoint.fallbackVersionIds },
      after: { activeVersionId: version.id, label: version.label, fallbackVersionIds },
    });
    return { endpointId: endpoint.id, versionId: version.id };
  },
});

/**
 * Sets the versions the gateway tries, in order, when the active version fails on the provider's
 * side. An empty list removes every fallback.
 */
export const setFallbackVersions = tenantAction({
  schema: setFallbackVersionsSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const endpoint = await endpointToChange(ctx, input.endpointId);
    const found = await ctx.tx.modelVersion.findMany({
      where: { id: { in: input.versionIds }, tenantId: ctx.tenantId, endpointId: endpoint.id },
      select: { id: true, label: true, priced: true, retiredAt: true },
    });
    if (found.length !== input.versionIds.length) {
      throw new ActionError("Not found: a fallback must be a version of this endpoint.", "not_found", {
        versionIds: ["Pick versions of this endpoint"],
      });
    }
    const active = found.find((v) => v.id === endpoint.activeVersionId);
    if (active) {
      throw new ActionError(`${active.label} is the active version; it cannot also be a fallback.`, "invalid", {
        versionIds: ["Pick versions other than the active one"],
      });
    }
    requirePriced(found, "fallback", "versionIds");
    requireNotRetired(found, "versionIds");
    const labels = new Map(found.map((v) => [v.id, v.label]));
    await ctx.tx.endpoint.update({ where: { id: endpoint.id, tenantId: ctx.tenantId }, data: { fallbackVersionIds: input.versionIds } });
    await markReleased(ctx.tx, ctx.tenantId, input.versionIds);
    await ctx.audit(ctx.tenantId, {
      action: "endpoint.fallbacks_set",
      resourceType: "endpoint",
      resourceId: endpoint.id,
      before: { fallbackVersionIds: endpoint.fallbackVersionIds },
      after: { fallbackVersionIds: input.versionIds, labels: input.versionIds.map((id) => labels.get(id)) },
    });
    return { endpointId: endpoint.id, versionIds: input.versionIds };
  },
});

/** Changes an endpoint's description, or disables and re-enables it. */
export const updateEndpoint = tenantAction({
  schema: updateEndpointSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const endpoint = await endpointToChange(ctx, input.endpointId);
    const disabledAt = input.enabled === undefined ? endpoint.disabledAt : input.enabled ? null : (endpoint.disabledAt ?? new Date());
    const updated = await ctx.tx.endpoint.update({
      where: { id: endpoint.id, tenantId: ctx.tenantId },
      data: { description: input.description || null, disabledAt },
    });
    await ctx.audit(ctx.tenantId, {
      action: input.enabled === undefined ? "endpoint.updated" : input.enabled ? "endpoint.enabled" : "endpoint.disabled",
      resourceType: "endpoint",
      resourceId: endpoint.id,
      before: { description: endpoint.description, enabled: !endpoint.disabledAt },
      after: { description: updated.description, enabled: !updated.disabledAt },
    });
    return { endpointId: endpoint.id };
  },
});

/**
 * The endpoint an action is about to change. Its change is announced here, so that no action can
 * leave the gateways serving the old endpoint; the factory sends it only if the action commits.
 */
async function endpointToChange(ctx: TenantContext, endpointId: string) {
  const endpoint = await ctx.tx.endpoint.findFirst({ where: { id: endpointId, tenantId: ctx.tenantId } });
  if (!endpoint) throw new ActionError("Not found: no such endpoint in this tenant.", "not_found");
  ctx.invalidate({ kind: "endpoint", tenantId: ctx.tenantId, endpointId: endpoint.id });
  return endpoint;
}

/** A rollout compares its candidate with the active version: switching it underneath would make its evidence meaningless. */
async function refuseDuringRollout(ctx: TenantContext, endpointId: string) {
  const rollout = await ctx.tx.rollout.findFirst({ where: { tenantId: ctx.tenantId, endpointId, status: "RUNNING" }, select: { id: true } });
  if (rollout) throw new ActionError("A rollout is running on this endpoint; finish or cancel it before switching the active version.", "conflict");
}

/** A version of the endpoint (already the tenant's), else not found. */
async function versionOf(ctx: TenantContext, endpointId: string, versionId: string) {
  const version = await ctx.tx.modelVersion.findFirst({ where: { id: versionId, tenantId: ctx.tenantId, endpointId } });
  if (!version) throw new ActionError("Not found: no such version of this endpoint.", "not_found");
  return version;
}

/** The provider must be the tenant's; the built-in one offers only its own models, of the endpoint's kind. */
async function requireProvider(tx: Tx, tenantId: string, providerId: string, kind: EndpointKind, providerModel: string) {
  const provider = await tx.provider.findFirst({ where: { id: providerId, tenantId }, select: { id: true, kind: true } });
  if (!provider) throw new ActionError("That provider does not exist in this tenant.", "invalid", { providerId: ["Pick one of this tenant's providers"] });
  if (provider.kind !== "BUILTIN") return provider;
  const offered = BUILTIN_MODELS.filter((m) => m.kind === kind).map((m) => m.id);
  if (!offered.includes(providerModel)) {
    throw new ActionError("The built-in provider has no such model.", "invalid", {
      providerModel: [`For ${kind === "CHAT" ? "chat" : "embeddings"}, the built-in provider offers: ${offered.join(", ")}`],
    });
  }
  return provider;
}
