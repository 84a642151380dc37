import type { PrismaClient, Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { addValue, quantile } from "@/lib/monitoring/histogram";
import { ks } from "@/lib/monitoring/drift/stats";
import { ARM_SAMPLE, type Guards } from "./schemas";
import { meanHigherP, proportionWorseP } from "./stats";

/** A difference counts only when this unlikely by chance (one-sided). */
export const SIGNIFICANCE = 0.05;
/**
 * A p95 that grew by less than this is no breach, whatever the ratio: at a few milliseconds a ratio
 * of 1.5 is noise between two hosts, and the KS test on thousands of requests finds it significant.
 */
export const LATENCY_FLOOR_MS = 25;

/** One side's figures over the window. Latency and cost are over answered requests (status below 400). */
export type ArmFigures = {
  versionId: string;
  label: string;
  /** Requests the route step sent to this version: answered, failed on Keel's or the provider's side (5xx), or failed over to a fallback. */
  requests: number;
  /** Failed (5xx), or failed over to a fallback that may have answered. */
  errors: number;
  errorRate: number;
  answered: number;
  p95Ms: number | null;
  meanCostUsd: number;
  /** True when ARM_SAMPLE requests were read: the window may hold more, and only the newest count. */
  sampled: boolean;
};

export type GuardName = "errors" | "latency" | "cost" | "drift" | "evaluation";

export type GuardCheck = {
  guard: GuardName;
  /** The rule, in words: "error rate ≤ baseline + 2 points". */
  rule: string;
  baseline: string;
  candidate: string;
  /** One-sided p of the candidate being this much worse by chance; null where no test applies. */
  p: number | null;
  /** Whether both sides have enough requests for the rule to apply. */
  enough: boolean;
  breached: boolean;
  /** The significance note the evidence panel shows. */
  note: string;
};

export type Evidence = {
  from: string;
  to: string;
  baseline: ArmFigures;
  candidate: ArmFigures;
  checks: GuardCheck[];
};

type Rollout = {
  id: string;
  tenantId: string;
  endpointId: string;
  baselineVersionId: string;
  candidateVersionId: string;
  createdAt: Date;
  stepStartedAt: Date;
};

/** The labels of a rollout's two versions, for its messages and alerts (an id where a version is gone). */
export async function versionLabels(client: Tx | PrismaClient, r: Pick<Rollout, "tenantId" | "baselineVersionId" | "candidateVersionId">) {
  const rows = await client.modelVersion.findMany({ where: { tenantId: r.tenantId, id: { in: [r.baselineVersionId, r.candidateVersionId] } }, select: { id: true, label: true } });
  const label = (id: string) => rows.find((v) => v.id === id)?.label ?? id;
  return { baseline: label(r.baselineVersionId), candidate: label(r.candidateVersionId) };
}

type ArmRow = { requests: number; errors: number; answered: number; meanCost: number | null; sdCost: number | null; latencies: number[] | null };

/**
 * Both sides of a rollout over the current step's window (from its start to `now`), and each guard's
 * verdict. Reads at most ARM_SAMPLE records a side, newest first, on the (tenant, version, time)
 * index; the drift guard reads the candidate's DRIFT alerts raised since the rollout began.
 */
export async function rolloutEvidence(
  client: Tx | PrismaClient,
  r: Rollout,
  guards: Guards,
  labels: { baseline: string; candidate: string },
  now = new Date(),
): Promise<Evidence> {
  // One after another: inside an action this is the action's transaction, one connection.
  const base = await armRow(client, r, r.baselineVersionId, r.stepStartedAt, now);
  const cand = await armRow(client, r, r.candidateVersionId, r.stepStartedAt, now);
  const drift = await client.alert.findMany({
      where: { tenantId: r.tenantId, kind: "DRIFT", subjectType: "version", subjectId: r.candidateVersionId, createdAt: { gte: r.createdAt } },
      select: { title: true },
      orderBy: { createdAt: "desc" },
      take: 3,
    });
  const baseline = figures(r.baselineVersionId, labels.baseline, base);
  const candidate = figures(r.candidateVersionId, labels.candidate, cand);
  return {
    from: r.stepStartedAt.toISOString(),
    to: now.toISOString(),
    baseline,
    candidate,
    checks: [
      errorCheck(baseline, candidate, guards), latencyCheck(base, cand, baseline, candidate, guards), costCheck(base, cand, baseline, candidate, guards), driftCheck(drift, guards),
      evaluationCheck(await evaluationPair(client, r), guards),
    ],
  };
}

async function armRow(client: Tx | PrismaClient, r: Rollout, versionId: string, from: Date, to: Date): Promise<ArmRow> {
  // The side's requests are those the route step sent to this version: answered by it, or failed
  // over to a fallback (routedVersionId), which counts as the version's failure whatever the
  // fallback answered. Latency and cost are the version's own answers'.
  const window = Prisma.sql`"tenantId" = ${r.tenantId} AND "createdAt" >= ${from} AND "createdAt" < ${to} AND "endpointId" = ${r.endpointId} AND ("status" < 400 OR "status" >= 500)`;
  const [row] = await client.$queryRaw<ArmRow[]>(Prisma.sql`
    WITH r AS (
      (SELECT "status", "latencyMs", "costUsd", "createdAt", false AS "failedOver" FROM "RequestRecord"
        WHERE "modelVersionId" = ${versionId} AND "routedVersionId" IS NULL AND ${window}
        ORDER BY "createdAt" DESC LIMIT ${ARM_SAMPLE})
      UNION ALL
      (SELECT "status", "latencyMs", "costUsd", "createdAt", true FROM "RequestRecord"
        WHERE "routedVersionId" = ${versionId} AND "routedVersionId" IS NOT NULL AND ${window}
        ORDER BY "createdAt" DESC LIMIT ${ARM_SAMPLE})
    ), s AS (SELECT * FROM r ORDER BY "createdAt" DESC LIMIT ${ARM_SAMPLE})
    SELECT count(*)::int AS "requests",
      (count(*) FILTER (WHERE "status" >= 500 OR "failedOver"))::int AS "errors",
      (count(*) FILTER (WHERE "status" < 400 AND NOT "failedOver"))::int AS "answered",
      (avg("costUsd") FILTER (WHERE "status" < 400 AND NOT "failedOver"))::float8 AS "meanCost",
      (stddev_samp("costUsd") FILTER (WHERE "status" < 400 AND NOT "failedOver"))::float8 AS "sdCost",
      array_agg("latencyMs") FILTER (WHERE "status" < 400 AND NOT "failedOver") AS "latencies"
    FROM s`);
  return row;
}

function figures(versionId: string, label: string, row: ArmRow): ArmFigures {
  const hist: number[] = [];
  for (const ms of row.latencies ?? []) addValue(hist, ms);
  return {
    versionId,
    label,
    requests: row.requests,
    errors: row.errors,
    errorRate: row.requests ? row.errors / row.requests : 0,
    answered: row.answered,
    p95Ms: quantile(hist, 0.95),
    meanCostUsd: row.meanCost ?? 0,
    sampled: row.requests >= ARM_SAMPLE,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const ms = (v: number | null) => (v === null ? "no answers" : `${Math.round(v)} ms`);
const usd = (v: number) => `$${v.toFixed(6)}`;
const pNote = (p: number) => (p < SIGNIFICANCE ? `significant (p ${p < 0.0001 ? "< 0.0001" : p.toFixed(4)})` : `not significant (p ${p.toFixed(4)})`);

function errorCheck(base: ArmFigures, cand: ArmFigures, g: Guards): GuardCheck {
  const enough = cand.requests >= g.minRequests && base.requests >= g.minRequests;
  const p = proportionWorseP(base.errors, base.requests, cand.errors, cand.requests);
  const over = cand.errorRate - base.errorRate > g.maxErrorRateIncrease / 100;
  return {
    guard: "errors",
    rule: `error rate at most the baseline's + ${g.maxErrorRateIncrease} points`,
    baseline: `${pct(base.errorRate)} of ${base.requests}`,
    candidate: `${pct(cand.errorRate)} of ${cand.requests}`,
    p,
    enough,
    breached: enough && over && p < SIGNIFICANCE,
    note: enough ? `${over ? "above" : "within"} the limit; ${pNote(p)}` : `waiting for ${g.minRequests} requests a side`,
  };
}

function latencyCheck(baseRow: ArmRow, candRow: ArmRow, base: ArmFigures, cand: ArmFigures, g: Guards): GuardCheck {
  const enough = cand.answered >= g.minRequests && base.answered >= g.minRequests && base.p95Ms !== null && cand.p95Ms !== null;
  const hb: number[] = [];
  const hc: number[] = [];
  for (const v of baseRow.latencies ?? []) addValue(hb, v);
  for (const v of candRow.latencies ?? []) addValue(hc, v);
  // KS is two-sided; a shift counts against the candidate only when its p95 is the higher one.
  const test = ks(hb, hc);
  const over = enough && cand.p95Ms! > base.p95Ms! * g.maxLatencyRatio && cand.p95Ms! - base.p95Ms! >= LATENCY_FLOOR_MS;
  return {
    guard: "latency",
    rule: `p95 latency at most ${g.maxLatencyRatio}× the baseline's (or within ${LATENCY_FLOOR_MS} ms of it)`,
    baseline: ms(base.p95Ms),
    candidate: ms(cand.p95Ms),
    p: test.p,
    enough,
    breached: over && test.p < SIGNIFICANCE,
    note: enough ? `${over ? "above" : "within"} the limit; KS D ${test.d.toFixed(3)}, ${pNote(test.p)}` : `waiting for ${g.minRequests} answers a side`,
  };
}

function costCheck(baseRow: ArmRow, candRow: ArmRow, base: ArmFigures, cand: ArmFigures, g: Guards): GuardCheck {
  const enough = cand.answered >= g.minRequests && base.answered >= g.minRequests;
  const p = meanHigherP(
    { n: base.answered, mean: base.meanCostUsd, sd: baseRow.sdCost ?? 0 },
    { n: cand.answered, mean: cand.meanCostUsd, sd: candRow.sdCost ?? 0 },
  );
  const over = cand.meanCostUsd > base.meanCostUsd * g.maxCostRatio;
  return {
    guard: "cost",
    rule: `cost per request at most ${g.maxCostRatio}× the baseline's`,
    baseline: usd(base.meanCostUsd),
    candidate: usd(cand.meanCostUsd),
    p,
    enough,
    breached: enough && over && p < SIGNIFICANCE,
    note: enough ? `${over ? "above" : "within"} the limit; ${pNote(p)}` : `waiting for ${g.minRequests} answers a side`,
  };
}

type EvalSide = { dataset: string; meanScore: number; meanCi: [number, number]; cases: number };

/**
 * The candidate's newest evaluation completed since the rollout began, and the baseline's newest on
 * the same dataset (whenever it ran): the same cases, scored the same way, on both sides.
 */
async function evaluationPair(client: Tx | PrismaClient, r: Rollout): Promise<{ candidate: EvalSide; baseline: EvalSide | null } | null> {
  const cand = await client.evalRun.findFirst({
    where: { tenantId: r.tenantId, versionId: r.candidateVersionId, status: "COMPLETED", finishedAt: { gte: r.createdAt } },
    orderBy: { finishedAt: "desc" },
    select: { datasetId: true, scorer: true, summary: true, dataset: { select: { name: true } } },
  });
  if (!cand?.summary) return null;
  const base = await client.evalRun.findFirst({
    where: { tenantId: r.tenantId, versionId: r.baselineVersionId, status: "COMPLETED", datasetId: cand.datasetId, scorer: cand.scorer },
    orderBy: { finishedAt: "desc" },
    select: { summary: true },
  });
  const side = (summary: unknown): EvalSide => {
    const s = summary as { meanScore: number; meanCi: [number, number]; cases: number };
    return { dataset: cand.dataset.name, meanScore: s.meanScore, meanCi: s.meanCi, cases: s.cases };
  };
  return { candidate: side(cand.summary), baseline: base?.summary ? side(base.summary) : null };
}

function evaluationCheck(pair: Awaited<ReturnType<typeof evaluationPair>>, g: Guards): GuardCheck {
  const rule = `evaluation score at most ${g.maxEvalScoreDrop} below the baseline's`;
  if (!pair || !pair.baseline) {
    return { guard: "evaluation", rule, baseline: pair ? "no run on that dataset" : "", candidate: pair ? `${pair.candidate.meanScore.toFixed(2)} on ${pair.candidate.dataset}` : "no evaluation since the rollout began", p: null, enough: false, breached: false, note: "waiting for an evaluation of both versions on one dataset" };
  }
  const { candidate, baseline } = pair;
  const drop = baseline.meanScore - candidate.meanScore;
  // Below by more than the allowance, and not by chance: the candidate's interval lies wholly under the baseline's mean.
  const over = drop > g.maxEvalScoreDrop;
  const clear = candidate.meanCi[1] < baseline.meanScore;
  return {
    guard: "evaluation",
    rule,
    baseline: `${baseline.meanScore.toFixed(2)} on ${baseline.dataset}`,
    candidate: `${candidate.meanScore.toFixed(2)} (95 % CI ${candidate.meanCi[0].toFixed(2)}–${candidate.meanCi[1].toFixed(2)})`,
    p: null,
    enough: true,
    breached: over && clear,
    note: `${over ? "below" : "within"} the limit; ${clear ? "the candidate's interval lies below the baseline's score" : "within the candidate's interval"}`,
  };
}

function driftCheck(alerts: { title: string }[], g: Guards): GuardCheck {
  return {
    guard: "drift",
    rule: g.drift ? "no drift alert on the candidate" : "drift not guarded",
    baseline: "",
    candidate: alerts.length ? alerts.map((a) => a.title).join("; ") : "no drift alert",
    p: null,
    enough: true,
    breached: g.drift && alerts.length > 0,
    note: g.drift ? (alerts.length ? "drift alert raised since the rollout began" : "checked hourly by monitoring") : "off for this rollout",
  };
}
