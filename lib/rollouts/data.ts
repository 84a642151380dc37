import "server-only";
import { db } from "@/lib/db/client";
import { can } from "@/lib/auth/permissions";
import type { Role, RolloutStatus } from "@/lib/db/generated/enums";
import { rolloutEvidence, type Evidence } from "./evidence";
import { guardsOf, type Guards } from "./schemas";
import { promotionOpensAt } from "./state";

type Ctx = { tenantId: string };

export type RolloutListParams = { status?: RolloutStatus; endpointId?: string; page: number; pageSize: number };

/** A page of the tenant's rollouts, newest first, filtered by status and endpoint in the database. */
export async function listRollouts(ctx: Ctx, params: RolloutListParams) {
  const where = { tenantId: ctx.tenantId, ...(params.status ? { status: params.status } : {}), ...(params.endpointId ? { endpointId: params.endpointId } : {}) };
  const [rows, total] = await Promise.all([
    db().rollout.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      include: { endpoint: { select: { name: true } } },
    }),
    db().rollout.count({ where }),
  ]);
  const names = await namesFor(ctx, rows);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      endpointId: r.endpointId,
      endpointName: r.endpoint.name,
      baseline: names.versions.get(r.baselineVersionId) ?? r.baselineVersionId,
      candidate: names.versions.get(r.candidateVersionId) ?? r.candidateVersionId,
      stepsBp: r.stepsBp,
      stepIndex: r.stepIndex,
      status: r.status,
      requestedBy: names.users.get(r.requestedById) ?? "a former member",
      createdAt: r.createdAt,
      awaitingDecision: r.status === "RUNNING" && promotionOpensAt(r) <= new Date(),
    })),
    total,
  };
}

export type RolloutDetail = NonNullable<Awaited<ReturnType<typeof getRollout>>>;

/**
 * One rollout with its versions, decisions (with who decided and the evidence they saw), the live
 * evidence over the current step's window while it runs, and what the viewer may do next.
 */
export async function getRollout(ctx: Ctx & { userId: string }, rolloutId: string) {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(rolloutId)) return null;
  const r = await db().rollout.findFirst({
    where: { id: rolloutId, tenantId: ctx.tenantId },
    include: { endpoint: { select: { name: true, activeVersionId: true } }, decisions: { orderBy: { createdAt: "asc" } } },
  });
  if (!r) return null;
  const names = await namesFor(ctx, [r], r.decisions.map((d) => d.deciderId));
  const labels = { baseline: names.versions.get(r.baselineVersionId) ?? r.baselineVersionId, candidate: names.versions.get(r.candidateVersionId) ?? r.candidateVersionId };
  const guards: Guards = guardsOf(r.guards);
  const evidence: Evidence | null = r.status === "RUNNING" ? await rolloutEvidence(db(), r, guards, labels) : null;
  const tenant = await db().tenant.findUniqueOrThrow({ where: { id: ctx.tenantId }, select: { rolloutApprovals: true } });
  const toStep = r.stepIndex + 1;
  const pending = r.decisions.filter((d) => d.toStep === toStep);
  return {
    id: r.id,
    endpointId: r.endpointId,
    endpointName: r.endpoint.name,
    baselineVersionId: r.baselineVersionId,
    candidateVersionId: r.candidateVersionId,
    labels,
    stepsBp: r.stepsBp,
    stepIndex: r.stepIndex,
    stepStartedAt: r.stepStartedAt,
    opensAt: promotionOpensAt(r),
    stickiness: r.stickiness,
    burnInMinutes: r.burnInMinutes,
    guards,
    status: r.status,
    endReason: r.endReason,
    endedAt: r.endedAt,
    createdAt: r.createdAt,
    requestedById: r.requestedById,
    requestedBy: names.users.get(r.requestedById) ?? "a former member",
    approvalsNeeded: tenant.rolloutApprovals,
    /** Approvals already given for the next promotion, and whether this viewer gave one. */
    pendingApprovals: pending.filter((d) => d.verdict === "APPROVED").length,
    viewerDecided: pending.some((d) => d.deciderId === ctx.userId),
    decisions: r.decisions.map((d) => ({
      id: d.id,
      toStep: d.toStep,
      verdict: d.verdict,
      comment: d.comment,
      decider: names.users.get(d.deciderId) ?? "a former member",
      createdAt: d.createdAt,
      evidence: d.evidence as unknown as Evidence,
    })),
    evidence,
  };
}

/**
 * The newest answers of each side in the current step's window, side by side, from the content the
 * tenant keeps (redacted as stored, and not yet expired); empty when the tenant keeps none. Other
 * callers' prompts are for those who read the audit trail: for anyone else `hidden` is set and
 * nothing is read.
 */
export async function sampleAnswers(ctx: Ctx & { role: Role }, r: Pick<RolloutDetail, "endpointId" | "baselineVersionId" | "candidateVersionId" | "stepStartedAt">, perSide = 3) {
  if (!can(ctx.role, "audit.read")) return { baseline: [], candidate: [], hidden: true };
  const side = async (versionId: string) => {
    const records = await db().requestRecord.findMany({
      where: { tenantId: ctx.tenantId, modelVersionId: versionId, endpointId: r.endpointId, createdAt: { gte: r.stepStartedAt }, status: { lt: 400 } },
      orderBy: { createdAt: "desc" },
      take: 50,
      select: { id: true },
    });
    if (records.length === 0) return [];
    const kept = await db().requestContent.findMany({
      where: { tenantId: ctx.tenantId, id: { in: records.map((x) => x.id) }, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      take: perSide,
      select: { id: true, input: true, output: true },
    });
    return kept;
  };
  return { baseline: await side(r.baselineVersionId), candidate: await side(r.candidateVersionId), hidden: false };
}

/** The rollout running on an endpoint, for its page; null when none runs. */
export async function runningRolloutOf(ctx: Ctx, endpointId: string) {
  return db().rollout.findFirst({ where: { tenantId: ctx.tenantId, endpointId, status: "RUNNING" }, select: { id: true, candidateVersionId: true, stepsBp: true, stepIndex: true } });
}

async function namesFor(ctx: Ctx, rollouts: { baselineVersionId: string; candidateVersionId: string; requestedById: string }[], more: string[] = []) {
  const versionIds = [...new Set(rollouts.flatMap((r) => [r.baselineVersionId, r.candidateVersionId]))];
  const userIds = [...new Set([...rollouts.map((r) => r.requestedById), ...more])];
  const [versions, users] = await Promise.all([
    versionIds.length ? db().modelVersion.findMany({ where: { tenantId: ctx.tenantId, id: { in: versionIds } }, select: { id: true, label: true } }) : [],
    userIds.length ? db().user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }) : [],
  ]);
  return { versions: new Map(versions.map((v) => [v.id, v.label])), users: new Map(users.map((u) => [u.id, u.email])) };
}

/**
 * The rollout that put `versionId` in front of callers at `at`: the newest one with it as candidate
 * begun by then, still running or promoted then. With who had approved it by then, read from the
 * signed audit trail (its `rollout.approved` events), which Verify vouches for, not from the
 * decision rows someone with the database password could add to.
 */
export async function rolloutServing(ctx: Ctx, versionId: string, at: Date) {
  const r = await db().rollout.findFirst({
    where: { tenantId: ctx.tenantId, candidateVersionId: versionId, createdAt: { lte: at }, OR: [{ status: { in: ["RUNNING", "COMPLETED"] } }, { endedAt: { gte: at } }] },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true },
  });
  if (!r) return null;
  const approvals = await db().auditEvent.findMany({
    where: { tenantId: ctx.tenantId, resourceType: "rollout", resourceId: r.id, action: "rollout.approved", createdAt: { lte: at } },
    orderBy: { seq: "asc" },
    select: { actorLabel: true },
  });
  return { id: r.id, status: r.status, approvers: [...new Set(approvals.map((e) => e.actorLabel ?? "a former member"))] };
}
