import type { PrismaClient } from "@/lib/db/client";
import type { NewAlert } from "../alerts/evaluate";
import { REFUSING } from "@/lib/gateway/finish-reason";
import { compareEmbeddings } from "./embedding-stats";
import { inputVectors } from "./inputs";
import { scoreDrift, type ScoreFinding } from "./scores";
import { compareCategories, compareDistributions, findingText, type DriftFinding } from "./stats";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Unpinned, a version's reference is its first three days of traffic. */
const REFERENCE_DAYS = 3;
/** The window compared with the reference: the last 24 hours. */
const CURRENT_MS = DAY;

export const DRIFT_METRICS = {
  outputs: "Output length", latency: "Latency", errors: "Error rate", finishes: "Finish reasons", refusals: "Refusal rate", inputs: "Inputs (embeddings)", scores: "Evaluation score",
} as const;
export type DriftMetric = keyof typeof DRIFT_METRICS;

type Window = { from: number; to: number };
type Sums = { requests: number; errors: number; latency: number[]; outputs: number[]; finishes: Record<string, number> };
export type VersionDrift = {
  versionId: string;
  reference: { from: number; to: number; pinned: boolean };
  current: { from: number; to: number };
  metrics: Record<Exclude<DriftMetric, "scores">, DriftFinding> & { scores: ScoreFinding };
};

/** The version's sums over [from, to) from its rollups (HOUR grain, or DAY when whole days). */
async function sums(prisma: PrismaClient, tenantId: string, versionId: string, from: number, to: number): Promise<Sums> {
  const grain = from % DAY === 0 && to % DAY === 0 ? "DAY" : "HOUR";
  const [row] = await prisma.$queryRawUnsafe<{ requests: number | null; errors: number | null; latency: bigint[] | null; outputs: bigint[] | null; finishes: Record<string, number> | null }[]>(
    `SELECT sum("requests")::float8 AS "requests", sum("errors")::float8 AS "errors", keel_hist_sum("latency") AS "latency", keel_hist_sum("outputs") AS "outputs",
            keel_counts_sum("finishReasons") AS "finishes"
     FROM "UsageRollup" WHERE "tenantId" = $1 AND "versionId" = $2 AND "endpointId" <> '' AND "grain" = $3::"RollupGrain" AND "bucket" >= $4 AND "bucket" < $5`,
    tenantId, versionId, grain, new Date(from), new Date(to),
  );
  return { requests: row?.requests ?? 0, errors: row?.errors ?? 0, latency: (row?.latency ?? []).map(Number), outputs: (row?.outputs ?? []).map(Number), finishes: row?.finishes ?? {} };
}

/** Answers that declined (a refusal, or the provider's content filter) against the rest. */
function refusals(finishes: Record<string, number>): Record<string, number> {
  let refused = 0;
  let answered = 0;
  for (const [reason, n] of Object.entries(finishes)) {
    if (REFUSING.has(reason)) refused += Number(n);
    else answered += Number(n);
  }
  return { answered, refused };
}

/** The reference window: pinned, or the first REFERENCE_DAYS whole days from the version's first traffic; null before it has any. */
export async function referenceWindow(prisma: PrismaClient, tenantId: string, versionId: string): Promise<{ from: number; to: number; pinned: boolean } | null> {
  const v = await prisma.modelVersion.findFirst({ where: { id: versionId, tenantId }, select: { driftReferenceFrom: true, driftReferenceTo: true } });
  if (!v) return null;
  if (v.driftReferenceFrom && v.driftReferenceTo) return { from: v.driftReferenceFrom.getTime(), to: v.driftReferenceTo.getTime(), pinned: true };
  const [first] = await prisma.$queryRawUnsafe<{ at: Date | null }[]>(
    `SELECT min("bucket") AS "at" FROM "UsageRollup" WHERE "tenantId" = $1 AND "versionId" = $2 AND "endpointId" <> '' AND "grain" = 'DAY'`, tenantId, versionId,
  );
  if (!first?.at) return null;
  return { from: first.at.getTime(), to: first.at.getTime() + REFERENCE_DAYS * DAY, pinned: false };
}

/** Input findings kept, and for how long: the permutation test takes about 0.1 s of the process's CPU per version. */
const INPUT_FINDINGS = { max: 2000, ttlMs: 10 * 60_000 };
const inputFindings = new Map<string, { at: number; finding: DriftFinding }>();

/**
 * Input drift between the two windows. The finding is kept while the windows and their sample
 * counts stay the same (at most INPUT_FINDINGS.ttlMs), so that page views of a version and the
 * alert check every minute do not each repeat the samples' read and the permutation test: a
 * viewer reloading the endpoint page would otherwise hold the process, and the shared database
 * connection, for everyone.
 */
async function inputDrift(prisma: PrismaClient, tenantId: string, versionId: string, reference: Window, current: Window): Promise<DriftFinding> {
  const [counts] = await prisma.$queryRawUnsafe<{ ref: number; cur: number }[]>(
    `SELECT count(*) FILTER (WHERE "createdAt" >= $3 AND "createdAt" < $4)::int AS "ref", count(*) FILTER (WHERE "createdAt" >= $5 AND "createdAt" < $6)::int AS "cur"
     FROM "InputSample" WHERE "tenantId" = $1 AND "versionId" = $2 AND (("createdAt" >= $3 AND "createdAt" < $4) OR ("createdAt" >= $5 AND "createdAt" < $6))`,
    tenantId, versionId, new Date(reference.from), new Date(reference.to), new Date(current.from), new Date(current.to),
  );
  const key = [tenantId, versionId, reference.from, reference.to, current.from, counts?.ref ?? 0, counts?.cur ?? 0].join("|");
  const kept = inputFindings.get(key);
  if (kept && Date.now() - kept.at < INPUT_FINDINGS.ttlMs) return kept.finding;
  const [refInputs, curInputs] = await Promise.all([
    inputVectors(prisma, tenantId, versionId, reference.from, reference.to), inputVectors(prisma, tenantId, versionId, current.from, current.to),
  ]);
  const finding = compareEmbeddings(refInputs, curInputs, 499);
  inputFindings.delete(key);
  inputFindings.set(key, { at: Date.now(), finding });
  if (inputFindings.size > INPUT_FINDINGS.max) inputFindings.delete(inputFindings.keys().next().value!);
  return finding;
}

/**
 * A version's last 24 hours against its reference window, per metric. Null while the two windows
 * would overlap (a version younger than its reference and one day): it has nothing to drift from yet.
 */
export async function versionDrift(prisma: PrismaClient, tenantId: string, versionId: string, now = Date.now()): Promise<VersionDrift | null> {
  const reference = await referenceWindow(prisma, tenantId, versionId);
  const current = { from: Math.floor(now / HOUR) * HOUR - CURRENT_MS, to: Math.floor(now / HOUR) * HOUR };
  if (!reference || reference.to > current.from) return null;
  const [ref, cur, inputs, scores] = await Promise.all([
    sums(prisma, tenantId, versionId, reference.from, reference.to), sums(prisma, tenantId, versionId, current.from, current.to),
    inputDrift(prisma, tenantId, versionId, reference, current), scoreDrift(prisma, tenantId, versionId, reference.to),
  ]);
  return {
    versionId, reference, current,
    metrics: {
      outputs: compareDistributions(ref.outputs, cur.outputs),
      latency: compareDistributions(ref.latency, cur.latency),
      errors: compareDistributions([ref.requests - ref.errors, ref.errors], [cur.requests - cur.errors, cur.errors]),
      finishes: compareCategories(ref.finishes, cur.finishes),
      refusals: compareCategories(refusals(ref.finishes), refusals(cur.finishes)),
      inputs,
      scores,
    },
  };
}

/**
 * Each drifted metric of each version that answered in the last day, once per version, metric and
 * day; an evaluation score's drift once per evaluation run (runs are not daily).
 */
export async function driftAlerts(prisma: PrismaClient, tenantId: string, now = Date.now()): Promise<NewAlert[]> {
  const active = await prisma.$queryRawUnsafe<{ versionId: string; endpointId: string }[]>(
    `SELECT DISTINCT "versionId", "endpointId" FROM "UsageRollup" WHERE "tenantId" = $1 AND "versionId" <> '' AND "grain" = 'HOUR' AND "bucket" >= $2`,
    tenantId, new Date(now - CURRENT_MS - HOUR),
  );
  const alerts: NewAlert[] = [];
  const day = new Date(now).toISOString().slice(0, 10);
  for (const { versionId } of active) {
    const drift = await versionDrift(prisma, tenantId, versionId, now);
    if (!drift) continue;
    const version = await prisma.modelVersion.findFirst({ where: { id: versionId, tenantId }, select: { label: true, endpoint: { select: { name: true } } } });
    for (const metric of Object.keys(DRIFT_METRICS) as DriftMetric[]) {
      const f = drift.metrics[metric];
      if (!f.drifted) continue;
      const scores = metric === "scores" ? drift.metrics.scores.about : undefined;
      const over = scores
        ? `over ${f.current} cases of ${scores.dataset} (${scores.scorer.toLowerCase()}), its newest evaluation against the one of its reference window`
        : `over ${f.current} ${metric === "inputs" ? "sampled inputs" : "requests"} in the last 24 hours`;
      alerts.push({
        kind: "DRIFT", severity: "WARNING", subjectType: "version", subjectId: versionId,
        dedupeKey: scores ? `drift:${versionId}:scores:${scores.currentRunId}` : `drift:${versionId}:${metric}:${day}`,
        title: `${DRIFT_METRICS[metric]} of ${version?.endpoint.name ?? "an endpoint"} · ${version?.label ?? versionId} drifted from its reference: ${findingText(f)} ${over}`,
        details: { metric, ...f, reference: drift.reference, current: drift.current },
      });
    }
  }
  return alerts;
}

/** PSI per day over the last `days` whole days against the reference, for the version's drift chart. */
export async function driftSeries(prisma: PrismaClient, tenantId: string, versionId: string, days = 14, now = Date.now()): Promise<{ reference: VersionDrift["reference"] | null; points: { t: number; outputs: number | null; latency: number | null; finishes: number | null; requests: number }[] }> {
  const reference = await referenceWindow(prisma, tenantId, versionId);
  if (!reference) return { reference: null, points: [] };
  const ref = await sums(prisma, tenantId, versionId, reference.from, reference.to);
  const today = Math.floor(now / DAY) * DAY;
  const points = [];
  for (let t = today - (days - 1) * DAY; t <= today; t += DAY) {
    const cur = await sums(prisma, tenantId, versionId, t, t + DAY);
    const enough = ref.requests >= 200 && cur.requests >= 200 && t >= reference.to;
    points.push({
      t, requests: cur.requests,
      outputs: enough ? compareDistributions(ref.outputs, cur.outputs).psi : null,
      latency: enough ? compareDistributions(ref.latency, cur.latency).psi : null,
      finishes: enough ? compareCategories(ref.finishes, cur.finishes).psi : null,
    });
  }
  return { reference, points };
}
