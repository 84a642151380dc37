import type { PrismaClient } from "@/lib/db/client";
import { compareDistributions, DRIFT_RULE, type DriftFinding } from "./stats";

/** Scores (0–1) binned in tenths, the same buckets on both sides. */
const BINS = 10;
/** Dataset, scorer and judge groups compared per version, the last evaluated. */
const MAX_GROUPS = 20;

export type ScoreFinding = DriftFinding & {
  /** The two runs compared, when the version has two completed runs of one dataset and scorer. */
  about?: { dataset: string; scorer: string; referenceRunId: string; currentRunId: string };
};

type Run = { id: string; datasetId: string; dataset: string; scorer: string; judgeEndpoint: string | null; isReference: boolean; isCurrent: boolean };

const NONE: ScoreFinding = { psi: null, test: "KS", stat: 0, p: 1, reference: 0, current: 0, enough: false, drifted: false };

/**
 * Evaluation score drift: a version's newest completed evaluation against the one that stood for
 * its reference window (the newest finished before the window's end, else its first), on the same
 * dataset, scorer and judge, so the cases are the same ones. A hosted model that changes under one
 * name shows here first. Case scores are binned in tenths and judged like the other distributions
 * (PSI with KS) on at least DRIFT_RULE.minCases cases a side. Cases that could not be scored, and
 * scores outside 0–1, are left out: an outage is the error rate's to show, not the score's. With
 * several datasets, the finding shown is the one that drifted, else the one with the smallest p.
 */
export async function scoreDrift(prisma: PrismaClient, tenantId: string, versionId: string, referenceEnd: number): Promise<ScoreFinding> {
  // Only the two runs compared, chosen by the database: a version evaluated from CI on every
  // commit has thousands of runs, and reading them all on each page view and alert check would
  // hold the shared connection and the process (grouping them in JS by copying arrays took 15 s for
  // 20,000 runs of one dataset, measured on a loaded machine).
  const runs = await prisma.$queryRawUnsafe<Run[]>(
    `SELECT "id", "datasetId", "dataset", "scorer", "judgeEndpoint", "ref" = 1 AS "isReference", "cur" = 1 AS "isCurrent" FROM (
       SELECT r."id", r."datasetId", d."name" AS "dataset", r."scorer"::text AS "scorer", r."judgeEndpoint", r."finishedAt",
              row_number() OVER (PARTITION BY r."datasetId", r."scorer", r."judgeEndpoint" ORDER BY r."finishedAt" DESC, r."id" DESC) AS "cur",
              row_number() OVER (PARTITION BY r."datasetId", r."scorer", r."judgeEndpoint"
                ORDER BY r."finishedAt" < $3 DESC, CASE WHEN r."finishedAt" < $3 THEN r."finishedAt" END DESC, CASE WHEN r."finishedAt" < $3 THEN r."id" END DESC, r."finishedAt", r."id") AS "ref"
       FROM "EvalRun" r JOIN "EvalDataset" d ON d."id" = r."datasetId" AND d."tenantId" = r."tenantId"
       WHERE r."tenantId" = $1 AND r."versionId" = $2 AND r."status" = 'COMPLETED' AND r."finishedAt" IS NOT NULL
     ) x WHERE "ref" = 1 OR "cur" = 1
     ORDER BY "finishedAt", "id"`,
    tenantId, versionId, new Date(referenceEnd),
  );
  const groups = new Map<string, { reference?: Run; current?: Run }>();
  for (const r of runs) {
    const key = `${r.datasetId}\u0000${r.scorer}\u0000${r.judgeEndpoint ?? ""}`;
    const group = groups.get(key) ?? {};
    if (r.isReference) group.reference = r;
    if (r.isCurrent) group.current = r;
    groups.set(key, group);
  }
  const all: [Run, Run][] = [];
  for (const { reference, current } of groups.values()) if (reference && current && current.id !== reference.id) all.push([reference, current]);
  // The groups last evaluated, at most MAX_GROUPS: each costs a read of two runs' results.
  const pairs = all.slice(-MAX_GROUPS);
  if (pairs.length === 0) return NONE;

  const bins = await prisma.$queryRawUnsafe<{ runId: string; bin: number; n: number }[]>(
    `SELECT "runId", least(${BINS - 1}, greatest(0, floor("score" * ${BINS})))::int AS "bin", count(*)::int AS "n"
     FROM "EvalResult" WHERE "tenantId" = $1 AND "runId" = ANY($2::text[]) AND NOT "failed" AND "score" >= 0 AND "score" <= 1 GROUP BY 1, 2`,
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
