"use server";

import type { Prisma } from "@/lib/db/generated/client";
import { markReleased, requireNotRetired } from "@/lib/catalog/release";
import { tenantAction, type TenantContext } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { rolloutEvidence, versionLabels } from "./evidence";
import { promotionOpensAt } from "./state";
import { cancelRolloutSchema, decideRolloutSchema, guardsOf, percentText, setRolloutApprovalsSchema, setRolloutGateSchema, startRolloutSchema } from "./schemas";

/**
 * Starts a canary rollout on an endpoint: the candidate takes the first step's share of traffic at
 * once (the gateways drop the endpoint from their caches on commit), the active version keeps the
 * rest. Each later promotion needs approvers (decideRollout).
 */
export const startRollout = tenantAction({
  schema: startRolloutSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const endpoint = await endpointOf(ctx, input.endpointId);
    if (endpoint.disabledAt) throw new ActionError("This endpoint is disabled; enable it before starting a rollout.", "invalid");
    if (!endpoint.activeVersionId) throw new ActionError("This endpoint has no active version to compare with; activate one first.", "invalid");
    const running = await ctx.tx.rollout.findFirst({ where: { tenantId: ctx.tenantId, endpointId: endpoint.id, status: "RUNNING" }, select: { id: true } });
    if (running) throw new ActionError("This endpoint already has a rollout running; finish or cancel it first.", "conflict");
    const versions = await ctx.tx.modelVersion.findMany({
      where: { tenantId: ctx.tenantId, endpointId: endpoint.id, id: { in: [input.candidateVersionId, endpoint.activeVersionId] } },
      select: { id: true, label: true, priced: true, retiredAt: true },
    });
    const candidate = versions.find((v) => v.id === input.candidateVersionId);
    const baseline = versions.find((v) => v.id === endpoint.activeVersionId)!;
    if (!candidate) throw new ActionError("Not found: the candidate must be a version of this endpoint.", "not_found", { candidateVersionId: ["Pick a version of this endpoint"] });
    if (candidate.id === baseline.id) throw new ActionError(`${candidate.label} is already the active version.`, "invalid", { candidateVersionId: ["Pick a version other than the active one"] });
    if (!candidate.priced) throw new ActionError(`${candidate.label} has no prices yet; a manager must price it before it serves.`, "invalid", { candidateVersionId: ["Pick a priced version"] });
    requireNotRetired([candidate], "candidateVersionId");
    const rollout = await ctx.tx.rollout.create({
      data: {
        tenantId: ctx.tenantId,
        endpointId: endpoint.id,
        baselineVersionId: baseline.id,
        candidateVersionId: candidate.id,
        stepsBp: input.steps,
        stickiness: input.stickiness,
        burnInMinutes: input.burnInMinutes,
        guards: input.guards as Prisma.InputJsonValue,
        requestedById: ctx.user.id,
      },
    });
    await markReleased(ctx.tx, ctx.tenantId, [candidate.id]);
    await ctx.audit(ctx.tenantId, {
      action: "rollout.started",
      resourceType: "rollout",
      resourceId: rollout.id,
      after: {
        endpointId: endpoint.id,
        endpoint: endpoint.name,
        baseline: { id: baseline.id, label: baseline.label },
        candidate: { id: candidate.id, label: candidate.label },
        steps: input.steps.map(percentText),
        stickiness: input.stickiness,
        burnInMinutes: input.burnInMinutes,
        guards: input.guards,
      },
    });
    return { rolloutId: rollout.id };
  },
});

/**
 * An approver's decision on the rollout's next promotion (the next step, or production after the
 * last), with a comment and the evidence they were shown. The requester never decides on their own
 * rollout, whatever their role becomes. Approval waits for the step's burn-in; rejection does not.
 * Once the tenant's number of approvals is reached the step
 * advances; after the last step the candidate becomes the endpoint's active version. A rejection
 * ends the rollout and returns all traffic to the baseline.
 */
export const decideRollout = tenantAction({
  schema: decideRolloutSchema,
  permission: "rollouts.approve",
  run: async (ctx, input) => {
    const rollout = await runningRollout(ctx, input.rolloutId);
    if (rollout.requestedById === ctx.user.id) throw new ActionError("You requested this rollout; another approver must decide on it.", "forbidden");
    const now = new Date();
    const opens = promotionOpensAt(rollout);
    // Stopping is always safe; promoting waits until the step has served its burn-in.
    if (input.verdict === "APPROVED" && now < opens) throw new ActionError(`This step's burn-in ends at ${opens.toISOString()}; approve after it (a rejection may come at any time).`, "invalid");
    const toStep = rollout.stepIndex + 1;
    if (input.toStep !== undefined && input.toStep !== toStep) throw new ActionError("This rollout has moved on since you loaded it; reload and decide on the current promotion.", "conflict");
    // An approver decides once either way, but one who approved may still reject: stopping stays open to them.
    const already = await ctx.tx.rolloutDecision.findFirst({ where: { tenantId: ctx.tenantId, rolloutId: rollout.id, toStep, deciderId: ctx.user.id, verdict: input.verdict }, select: { id: true } });
    if (already) throw new ActionError(`You have already ${input.verdict === "APPROVED" ? "approved" : "rejected"} this promotion.`, "conflict");
    const labels = await versionLabels(ctx.tx, rollout);
    const evidence = await rolloutEvidence(ctx.tx, rollout, guardsOf(rollout.guards), labels, now);
    const breached = evidence.checks.filter((c) => c.breached);
    if (input.verdict === "APPROVED" && breached.length) {
      throw new ActionError(`A guard is breached (${breached.map((c) => c.guard).join(", ")}); reject, or wait for the guard's rollback.`, "conflict");
    }
    if (input.verdict === "APPROVED") await requireGate(ctx, rollout.candidateVersionId, labels.candidate);
    await ctx.tx.rolloutDecision.create({
      data: { tenantId: ctx.tenantId, rolloutId: rollout.id, toStep, verdict: input.verdict, comment: input.comment, deciderId: ctx.user.id, evidence: evidence as unknown as Prisma.InputJsonValue },
    });
    const target = toStep === rollout.stepsBp.length ? "production" : `step ${toStep + 1} (${percentText(rollout.stepsBp[toStep])})`;
    await ctx.audit(ctx.tenantId, {
      action: input.verdict === "APPROVED" ? "rollout.approved" : "rollout.rejected",
      resourceType: "rollout",
      resourceId: rollout.id,
      after: { to: target, toStep, comment: input.comment, evidence: { baseline: evidence.baseline, candidate: evidence.candidate, breached: evidence.checks.filter((c) => c.breached).map((c) => c.guard) } },
    });
    if (input.verdict === "REJECTED") {
      await endRollout(ctx, rollout, "REJECTED", `Rejected: ${input.comment}`, now);
      return { rolloutId: rollout.id, status: "REJECTED" as const };
    }
    // Approvals count while their authors are still approvers here: a removed or demoted approver's do not.
    const approvers = await ctx.tx.membership.findMany({ where: { tenantId: ctx.tenantId, role: "APPROVER" }, select: { userId: true } });
    const approvals = await ctx.tx.rolloutDecision.count({
      where: { tenantId: ctx.tenantId, rolloutId: rollout.id, toStep, verdict: "APPROVED", deciderId: { in: approvers.map((m) => m.userId) } },
    });
    const tenant = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { rolloutApprovals: true } });
    if (approvals < tenant.rolloutApprovals) return { rolloutId: rollout.id, status: "RUNNING" as const, waitingFor: tenant.rolloutApprovals - approvals };
    ctx.invalidate({ kind: "endpoint", tenantId: ctx.tenantId, endpointId: rollout.endpointId });
    if (toStep < rollout.stepsBp.length) {
      await ctx.tx.rollout.update({ where: { id: rollout.id, tenantId: ctx.tenantId }, data: { stepIndex: toStep, stepStartedAt: now } });
      await ctx.audit(ctx.tenantId, {
        action: "rollout.step_advanced",
        resourceType: "rollout",
        resourceId: rollout.id,
        before: { step: rollout.stepIndex + 1, share: percentText(rollout.stepsBp[rollout.stepIndex]) },
        after: { step: toStep + 1, share: percentText(rollout.stepsBp[toStep]) },
      });
      return { rolloutId: rollout.id, status: "RUNNING" as const, waitingFor: 0 };
    }
    await promote(ctx, rollout, labels.candidate, now);
    return { rolloutId: rollout.id, status: "COMPLETED" as const };
  },
});

/** A builder stops a running rollout: all traffic returns to the baseline. */
export const cancelRollout = tenantAction({
  schema: cancelRolloutSchema,
  permission: "endpoints.manage",
  run: async (ctx, input) => {
    const rollout = await runningRollout(ctx, input.rolloutId);
    await endRollout(ctx, rollout, "CANCELLED", input.comment ? `Cancelled: ${input.comment}` : "Cancelled", new Date());
    return { rolloutId: rollout.id };
  },
});

/** How many approvers each promotion needs in this tenant (1 or 2). */
export const setRolloutApprovals = tenantAction({
  schema: setRolloutApprovalsSchema,
  permission: "settings.manage",
  run: async (ctx, input) => {
    const before = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { rolloutApprovals: true } });
    await ctx.tx.tenant.update({ where: { id: ctx.tenantId }, data: { rolloutApprovals: input.approvals } });
    await ctx.audit(ctx.tenantId, {
      action: "tenant.rollout_approvals_changed",
      resourceType: "tenant",
      resourceId: ctx.tenantId,
      before: { approvals: before.rolloutApprovals },
      after: { approvals: input.approvals },
    });
    return { approvals: input.approvals };
  },
});

/** The dataset and mean score the candidate's evaluation must reach before any promotion, or none. */
export const setRolloutGate = tenantAction({
  schema: setRolloutGateSchema,
  permission: "settings.manage",
  run: async (ctx, input) => {
    const dataset = input.datasetId ? await ctx.tx.evalDataset.findFirst({ where: { id: input.datasetId, tenantId: ctx.tenantId }, select: { id: true, name: true } }) : null;
    if (input.datasetId && !dataset) throw new ActionError("Not found: no such dataset in this tenant.", "not_found", { datasetId: ["Pick one of this tenant's datasets"] });
    const before = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { rolloutGateMinScore: true, rolloutGateDatasetId: true } });
    await ctx.tx.tenant.update({ where: { id: ctx.tenantId }, data: { rolloutGateMinScore: input.minScore, rolloutGateDatasetId: dataset?.id ?? null } });
    await ctx.audit(ctx.tenantId, {
      action: "tenant.rollout_gate_changed",
      resourceType: "tenant",
      resourceId: ctx.tenantId,
      before: { minScore: before.rolloutGateMinScore, datasetId: before.rolloutGateDatasetId },
      after: { minScore: input.minScore, datasetId: dataset?.id ?? null, dataset: dataset?.name ?? null },
    });
    return { minScore: input.minScore };
  },
});

type RolloutRow = Awaited<ReturnType<typeof runningRollout>>;

/**
 * The tenant's gate, where it has one: the candidate's newest completed evaluation on the gate's
 * dataset (the tenant's managers chose it; every case scored) must reach the minimum on average. A
 * candidate never evaluated on it does not pass.
 */
async function requireGate(ctx: TenantContext, candidateVersionId: string, label: string) {
  const tenant = await ctx.tx.tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { rolloutGateMinScore: true, rolloutGateDatasetId: true } });
  const min = tenant.rolloutGateMinScore;
  if (min === null || tenant.rolloutGateDatasetId === null) return;
  const dataset = await ctx.tx.evalDataset.findFirst({ where: { id: tenant.rolloutGateDatasetId, tenantId: ctx.tenantId }, select: { name: true, caseCount: true } });
  const newest = await ctx.tx.evalRun.findFirst({
    where: { tenantId: ctx.tenantId, versionId: candidateVersionId, datasetId: tenant.rolloutGateDatasetId, status: "COMPLETED" },
    orderBy: { finishedAt: "desc" },
    select: { summary: true },
  });
  const summary = newest?.summary as { meanScore?: number; cases?: number } | null;
  const on = dataset?.name ?? "the gate's dataset";
  if (typeof summary?.meanScore !== "number" || summary.cases !== dataset?.caseCount) {
    throw new ActionError(`This tenant requires a passing evaluation before promotion: ${label} has no completed evaluation on ${on} yet (it needs a mean score of at least ${min}).`, "conflict");
  }
  if (summary.meanScore < min) throw new ActionError(`This tenant requires a passing evaluation before promotion: ${label}'s newest on ${on} scored ${summary.meanScore.toFixed(2)}, below ${min}.`, "conflict");
}

async function endpointOf(ctx: TenantContext, endpointId: string) {
  const endpoint = await ctx.tx.endpoint.findFirst({ where: { id: endpointId, tenantId: ctx.tenantId } });
  if (!endpoint) throw new ActionError("Not found: no such endpoint in this tenant.", "not_found");
  ctx.invalidate({ kind: "endpoint", tenantId: ctx.tenantId, endpointId: endpoint.id });
  return endpoint;
}

/** The tenant's rollout, still running, locked against a guard's rollback or another decision meanwhile. */
async function runningRollout(ctx: TenantContext, rolloutId: string) {
  const [locked] = await ctx.tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Rollout" WHERE "id" = ${rolloutId} AND "tenantId" = ${ctx.tenantId} FOR UPDATE`;
  const rollout = locked ? await ctx.tx.rollout.findFirst({ where: { id: locked.id, tenantId: ctx.tenantId } }) : null;
  if (!rollout) throw new ActionError("Not found: no such rollout in this tenant.", "not_found");
  if (rollout.status !== "RUNNING") throw new ActionError(`This rollout has ended (${rollout.status.toLowerCase().replace("_", " ")}).`, "conflict");
  return rollout;
}


async function endRollout(ctx: TenantContext, r: RolloutRow, status: "REJECTED" | "CANCELLED", reason: string, now: Date) {
  ctx.invalidate({ kind: "endpoint", tenantId: ctx.tenantId, endpointId: r.endpointId });
  await ctx.tx.rollout.update({ where: { id: r.id, tenantId: ctx.tenantId }, data: { status, endReason: reason, endedAt: now } });
  await ctx.audit(ctx.tenantId, {
    action: status === "REJECTED" ? "rollout.ended_rejected" : "rollout.cancelled",
    resourceType: "rollout",
    resourceId: r.id,
    before: { status: "RUNNING", step: r.stepIndex + 1 },
    after: { status, reason },
  });
}

/**
 * The last approval: the candidate becomes the endpoint's active version (and leaves its fallbacks),
 * recorded as the endpoint's activation, so the endpoint's history of versions reads from its own
 * events whether a person or a rollout switched it.
 */
async function promote(ctx: TenantContext, r: RolloutRow, candidateLabel: string, now: Date) {
  const endpoint = await ctx.tx.endpoint.findFirstOrThrow({ where: { id: r.endpointId, tenantId: ctx.tenantId } });
  const fallbackVersionIds = endpoint.fallbackVersionIds.filter((id) => id !== r.candidateVersionId);
  await ctx.tx.endpoint.update({ where: { id: endpoint.id, tenantId: ctx.tenantId }, data: { activeVersionId: r.candidateVersionId, fallbackVersionIds } });
  await ctx.tx.rollout.update({ where: { id: r.id, tenantId: ctx.tenantId }, data: { status: "COMPLETED", endReason: "Promoted to production", endedAt: now } });
  await ctx.audit(ctx.tenantId, {
    action: "endpoint.version_activated",
    resourceType: "endpoint",
    resourceId: endpoint.id,
    before: { activeVersionId: endpoint.activeVersionId, fallbackVersionIds: endpoint.fallbackVersionIds },
    after: { activeVersionId: r.candidateVersionId, label: candidateLabel, fallbackVersionIds, rolloutId: r.id },
  });
  await ctx.audit(ctx.tenantId, { action: "rollout.completed", resourceType: "rollout", resourceId: r.id, before: { status: "RUNNING" }, after: { status: "COMPLETED" } });
}
