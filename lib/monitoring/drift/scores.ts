import type { PrismaClient } from "@/lib/db/client";
import { compareDistributions, DRIFT_RULE, type DriftFinding } from "./stats";

/** Scores (0–1) binned in tenths, the same buckets on both sides. */
const BINS = 10;

export type ScoreFinding = DriftFinding & {
  /** The two runs compared, when the version has two completed runs of one dataset and scorer. */
  about?: { dataset: string; scorer: string; referenceRunId: string; currentRunId: string };
};

type Run = { id: string; datasetId: string; dataset: string; scorer: string; judgeEndpoint: string | null; finishedAt: Date };

const NONE: ScoreFinding = { psi: null, test: "KS", stat: 0, p: 1, reference: 0, current: 0, enough: false, drifted: false };

/**
 * Evaluation score drift: a version's newest completed evaluation against the one that stood for
 * its reference window (the newest finished before the window's end, else its first), on the same
 * dataset, scorer and judge, so the cases are the same ones. A hosted model that changes under one
 * name shows here first. Case scores are binned in tenths and judged like the other distributions
 * (PSI with KS) on at least DRIFT_RULE.minCases cases a side. With several datasets, the finding
 * shown is the one that drifted, else the one with the smallest p.
 */
export async function scoreDrift(prisma: PrismaClient, tenantId: string, versionId: string, referenceEnd: number): Promise<ScoreFinding> {
  const runs = await prisma.$queryRawUnsafe<Run[]>(
    `SELECT r."id", r."datasetId", d."name" AS "dataset", r."scorer"::text AS "scorer", r."judgeEndpoint", r."finishedAt"
     FROM "EvalRun" r JOIN "EvalDataset" d ON d."id" = r."datasetId" AND d."tenantId" = r."tenantId"
     WHERE r."tenantId" = $1 AND r."versionId" = $2 AND r."status" = 'COMPLETED' AND r."finishedAt" IS NOT NULL
     ORDER BY r."finishedAt", r."id"`,
    tenantId, versionId,
  );
  const groups = new Map<string, Run[]>();
  for (const r of runs) {
    const key = `${r.datasetId}\u0000${r.scorer}\u0000${r.judgeEndpoint ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const pairs: [Run, Run][] = [];
  for (const list of groups.values()) {
    const before = list.filter((r) => r.finishedAt.getTime() < referenceEnd);
    const reference = before.at(-1) ?? list[0];
    const current = list.at(-1)!;
    if (current.id !== reference.id) pairs.push([reference, current]);
  }
  if (pairs.length === 0) return NONE;

  const bins = await prisma.$queryRawUnsafe<{ runId: string; bin: number; n: number }[]>(
    `SELECT "runId", least(${BINS - 1}, greatest(0, floor("score" * ${BINS})))::int AS "bin", count(*)::int AS "n"
     FROM "EvalResult" WHERE "tenantId" = $1 AND "runId" = ANY($2::text[]) GROUP BY 1, 2`,
    tenantId, pairs.flat().map((r) => r.id),
  );
  const histogram = (runId: string) => {
    const h = new Array<number>(BINS).fill(0);
    for (const b of bins) if (b.runId === runId) h[b.bin] += b.n;
    return h;
  };
  const findings: ScoreFinding[] = pairs.map(([ref, cur]) => ({
    ...compareDistributions(histogram(ref.id), histogram(cur.id), DRIFT_RULE.minCases),
    about: { dataset: ref.dataset, scorer: ref.scorer, referenceRunId: ref.id, currentRunId: cur.id },
  }));
  findings.sort((a, b) => Number(b.drifted) - Number(a.drifted) || Number(b.enough) - Number(a.enough) || a.p - b.p);
  return findings[0];
}
