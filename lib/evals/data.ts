import "server-only";
import { db } from "@/lib/db/client";
import type { EvalRunStatus } from "@/lib/db/generated/enums";
import type { ChatMessage } from "./dataset";
import { summarize, type Summary } from "./summary";

type Ctx = { tenantId: string };
const validId = (id: string) => /^[A-Za-z0-9_-]{1,100}$/.test(id);

/** A page of the tenant's datasets, newest first, with how many runs each has had. */
export async function listDatasets(ctx: Ctx, params: { page: number; pageSize: number }) {
  const where = { tenantId: ctx.tenantId };
  const [rows, total] = await Promise.all([
    db().evalDataset.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      select: { id: true, name: true, description: true, caseCount: true, contentHash: true, createdAt: true, _count: { select: { runs: true } } },
    }),
    db().evalDataset.count({ where }),
  ]);
  return { rows: rows.map(({ _count, ...r }) => ({ ...r, runs: _count.runs })), total };
}

/** Every dataset's id and name, for pickers. */
export async function datasetChoices(ctx: Ctx) {
  return db().evalDataset.findMany({ where: { tenantId: ctx.tenantId }, orderBy: { name: "asc" }, select: { id: true, name: true, caseCount: true } });
}

/** A dataset with a page of its cases. */
export async function getDataset(ctx: Ctx, id: string, params: { page: number; pageSize: number }) {
  if (!validId(id)) return null;
  const dataset = await db().evalDataset.findFirst({ where: { id, tenantId: ctx.tenantId } });
  if (!dataset) return null;
  const importer = await db().user.findUnique({ where: { id: dataset.createdById }, select: { email: true } });
  const cases = await db().evalCase.findMany({
    where: { tenantId: ctx.tenantId, datasetId: id },
    orderBy: { position: "asc" },
    skip: (params.page - 1) * params.pageSize,
    take: params.pageSize,
    select: { position: true, messages: true, expected: true, rubric: true, schema: true },
  });
  return { ...dataset, createdBy: importer?.email ?? "a former member", cases: cases.map((c) => ({ ...c, messages: c.messages as ChatMessage[] })) };
}

export type RunListParams = { datasetId?: string; versionId?: string; status?: EvalRunStatus; page: number; pageSize: number };

/** A page of runs, newest first, filtered in the database, each with its dataset, endpoint and version named. */
export async function listRuns(ctx: Ctx, params: RunListParams) {
  const where = {
    tenantId: ctx.tenantId,
    ...(params.datasetId ? { datasetId: params.datasetId } : {}),
    ...(params.versionId ? { versionId: params.versionId } : {}),
    ...(params.status ? { status: params.status } : {}),
  };
  const [rows, total] = await Promise.all([
    db().evalRun.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      include: { dataset: { select: { name: true } } },
    }),
    db().evalRun.count({ where }),
  ]);
  const names = await versionNames(ctx, rows.map((r) => r.versionId));
  return { rows: rows.map((r) => ({ ...runView(r), version: names.get(r.versionId) ?? null })), total };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof getRun>>>;

/** A run with its progress, summary (live while it runs), and a page of its results in case order. */
export async function getRun(ctx: Ctx, id: string, params: { page: number; pageSize: number; failedOnly?: boolean }) {
  if (!validId(id)) return null;
  const run = await db().evalRun.findFirst({ where: { id, tenantId: ctx.tenantId }, include: { dataset: { select: { name: true, contentHash: true } } } });
  if (!run) return null;
  const where = { tenantId: ctx.tenantId, runId: id, ...(params.failedOnly ? { passed: false } : {}) };
  const [results, resultTotal, names, creator] = await Promise.all([
    db().evalResult.findMany({ where, orderBy: { position: "asc" }, skip: (params.page - 1) * params.pageSize, take: params.pageSize }),
    db().evalResult.count({ where }),
    versionNames(ctx, [run.versionId]),
    db().user.findUnique({ where: { id: run.createdById }, select: { email: true } }),
  ]);
  return { ...runView(run), version: names.get(run.versionId) ?? null, contentHash: run.dataset.contentHash, createdBy: creator?.email ?? "a former member", results, resultTotal, summary: await runSummary(ctx, run) };
}

/**
 * Two runs of one dataset, case by case: each case's score on both sides, with the cases that
 * changed verdict first. Null unless both runs are the tenant's and of the same dataset.
 */
export async function compareRuns(ctx: Ctx, aId: string, bId: string) {
  if (!validId(aId) || !validId(bId)) return null;
  const [a, b] = await Promise.all([aId, bId].map((id) => db().evalRun.findFirst({ where: { id, tenantId: ctx.tenantId }, include: { dataset: { select: { name: true } } } })));
  if (!a || !b || a.datasetId !== b.datasetId) return null;
  const [ra, rb, cases, names] = await Promise.all([
    db().evalResult.findMany({ where: { tenantId: ctx.tenantId, runId: a.id }, select: { caseId: true, score: true, passed: true, failed: true, output: true, detail: true } }),
    db().evalResult.findMany({ where: { tenantId: ctx.tenantId, runId: b.id }, select: { caseId: true, score: true, passed: true, failed: true, output: true, detail: true } }),
    db().evalCase.findMany({ where: { tenantId: ctx.tenantId, datasetId: a.datasetId }, orderBy: { position: "asc" }, select: { id: true, position: true, messages: true, expected: true } }),
    versionNames(ctx, [a.versionId, b.versionId]),
  ]);
  const byCase = (rows: typeof ra) => new Map(rows.map((r) => [r.caseId, r]));
  const [ma, mb] = [byCase(ra), byCase(rb)];
  const rows = cases.map((c) => {
    const x = ma.get(c.id) ?? null;
    const y = mb.get(c.id) ?? null;
    return { position: c.position, question: lastUserText(c.messages as ChatMessage[]), expected: c.expected, a: x, b: y, changed: (x?.passed ?? null) !== (y?.passed ?? null), delta: (y?.score ?? 0) - (x?.score ?? 0) };
  });
  rows.sort((p, q) => Number(q.changed) - Number(p.changed) || Math.abs(q.delta) - Math.abs(p.delta) || p.position - q.position);
  const view = (r: typeof a) => ({ ...runView(r), version: names.get(r.versionId) ?? null });
  return {
    a: { ...view(a), summary: summaryOf(ra) },
    b: { ...view(b), summary: summaryOf(rb) },
    rows,
    better: rows.filter((r) => r.delta > 0).length,
    worse: rows.filter((r) => r.delta < 0).length,
  };
}

/** The newest completed runs of a version, for a rollout's evidence and the catalog: its gate evaluations. */
export async function versionEvaluations(ctx: Ctx, versionId: string, take = 5) {
  const runs = await db().evalRun.findMany({
    where: { tenantId: ctx.tenantId, versionId, status: "COMPLETED" },
    orderBy: { finishedAt: "desc" },
    take,
    include: { dataset: { select: { name: true } } },
  });
  return runs.map((r) => ({ ...runView(r), summary: r.summary as Summary | null }));
}

function runView(r: { id: string; datasetId: string; endpointId: string; versionId: string; scorer: string; passAt: number; judgeEndpoint: string | null; status: EvalRunStatus; total: number; done: number; passed: number; failed: number; scoreSum: number; error: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; dataset: { name: string } }) {
  return {
    id: r.id, datasetId: r.datasetId, datasetName: r.dataset.name, endpointId: r.endpointId, versionId: r.versionId, scorer: r.scorer, passAt: r.passAt,
    judgeEndpoint: r.judgeEndpoint, status: r.status, total: r.total, done: r.done, passed: r.passed, failed: r.failed,
    meanScore: r.done ? r.scoreSum / r.done : null, error: r.error, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
  };
}

/** The stored summary once complete; while running, one over the results so far. */
async function runSummary(ctx: Ctx, run: { id: string; status: EvalRunStatus; summary: unknown }): Promise<Summary> {
  if (run.status === "COMPLETED" && run.summary) return run.summary as Summary;
  return summaryOf(await db().evalResult.findMany({ where: { tenantId: ctx.tenantId, runId: run.id }, select: { score: true, passed: true, failed: true } }));
}

function summaryOf(rows: { score: number; passed: boolean; failed?: boolean }[]): Summary {
  return summarize(rows.filter((r) => !r.failed), rows.filter((r) => r.failed).length);
}

async function versionNames(ctx: Ctx, ids: string[]) {
  const rows = ids.length
    ? await db().modelVersion.findMany({ where: { tenantId: ctx.tenantId, id: { in: [...new Set(ids)] } }, select: { id: true, label: true, endpoint: { select: { name: true } } } })
    : [];
  return new Map(rows.map((v) => [v.id, { label: v.label, endpointName: v.endpoint.name }]));
}

const lastUserText = (messages: ChatMessage[]) => [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
