import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { getRun, listRuns } from "@/lib/evals/data";
import { SCORER_LABELS, type ScorerKind } from "@/lib/evals/scorers";
import { requireTenant } from "@/lib/tenancy/page";
import { RunStatusBadge, isLive, scoreText } from "../../_components/eval-text";
import { CancelRunButton } from "./_components/cancel-run-button";
import { CompareControl } from "./_components/compare-control";
import { ResultsTable } from "./_components/results-table";
import { RunFacts } from "./_components/run-facts";
import { RunProgress } from "./_components/run-progress";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { RunSummary } from "./_components/run-summary";

export const metadata: Metadata = { title: "Evaluation run" };

const PAGE_SIZE = 25;
/** Other completed runs of the dataset offered for comparison, newest first. */
const COMPARABLE = 25;

type Search = { page?: string; verdict?: string };

/** One run: its progress (live while it runs), its summary with intervals, and each case's result. */
export default async function RunPage({ params, searchParams }: { params: Promise<{ tenant: string; runId: string }>; searchParams: Promise<Search> }) {
  const { tenant, runId } = await params;
  const { scope } = await requireTenant(tenant);
  const sp = await searchParams;
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const failedOnly = sp.verdict === "failed";
  const run = await getRun(scope, runId, { page, pageSize: PAGE_SIZE, failedOnly });
  if (!run) notFound();
  const others = await listRuns(scope, { datasetId: run.datasetId, status: "COMPLETED", page: 1, pageSize: COMPARABLE + 1 });
  const live = isLive(run.status);
  const scorerLabel = SCORER_LABELS[run.scorer as ScorerKind];
  const base = `/t/${scope.tenantSlug}`;
  const against = run.version ? `${run.version.label} on ${run.version.endpointName}` : "a removed version";
  return (
    <>
      <LiveRefresh live={live} everyMs={1_500} />
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Evaluations", href: `${base}/evals` }, { label: `${run.datasetName} on ${against}` }]}
        title={`Run of ${run.datasetName}`}
        description={`Against ${against}, scored by ${scorerLabel.toLowerCase()}.`}
        actions={
          !live ? undefined : mayChange(scope, "evals.run") ? (
            <CancelRunButton tenant={scope.tenantSlug} runId={run.id} done={run.done} total={run.total} />
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "evals.run", "cancel a run")}</ReadOnlyNote>
          )
        }
      />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              Progress <RunStatusBadge status={run.status} />
            </CardTitle>
          </CardHeader>
          <CardContent className="space-y-4">
            <RunProgress done={run.done} total={run.total} live={live} />
            {run.status === "FAILED" && <FormError message={run.error ?? "The run stopped."} />}
          </CardContent>
        </Card>
        <Card data-testid="run-summary">
          <CardHeader>
            <CardTitle>Summary</CardTitle>
            <CardDescription>Mean score and pass rate with their 95 % confidence intervals; an unscored case counts as 0.</CardDescription>
          </CardHeader>
          <CardContent>
            <RunSummary summary={run.summary} live={live} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent className="space-y-5">
            <RunFacts tenant={scope.tenantSlug} run={run} scorerLabel={scorerLabel} />
            <CompareControl
              tenant={scope.tenantSlug}
              runId={run.id}
              others={others.rows
                .filter((r) => r.id !== run.id)
                .slice(0, COMPARABLE)
                .map((r) => ({ id: r.id, label: otherRunLabel(r) }))}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Results</CardTitle>
            <CardDescription>Each case&apos;s answer, its score and verdict, and the request record of the call that answered it.</CardDescription>
          </CardHeader>
          <CardContent>
            <ResultsTable
              tenant={scope.tenantSlug}
              rows={run.results.map((r) => ({
                position: r.position,
                score: r.score,
                passed: r.passed,
                unscored: r.failed,
                detail: r.detail,
                output: r.output,
                requestId: r.requestId,
                latencyMs: r.latencyMs,
              }))}
              total={run.resultTotal}
              page={page}
              pageSize={PAGE_SIZE}
              emptyMessage={failedOnly ? "No case has failed." : live ? "No case is scored yet." : "No results."}
            />
          </CardContent>
        </Card>
      </div>
    </>
  );
}

/** "builtin-1 on demo-chat · Contains · mean 0.67 · 2026-12-04 10:31 UTC": an option names the run without a component. */
function otherRunLabel(r: { version: { label: string; endpointName: string } | null; scorer: string; meanScore: number | null; createdAt: Date }): string {
  const version = r.version ? `${r.version.label} on ${r.version.endpointName}` : "a removed version";
  const at = `${r.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `${version} · ${SCORER_LABELS[r.scorer as ScorerKind]} · mean ${scoreText(r.meanScore)} · ${at}`;
}
