import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Play } from "lucide-react";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { getDataset, listRuns } from "@/lib/evals/data";
import { SCORER_LABELS, type ScorerKind } from "@/lib/evals/scorers";
import { requireTenant } from "@/lib/tenancy/page";
import { questionOf } from "../../_components/eval-text";
import { CasesTable } from "./_components/cases-table";
import { DatasetRuns } from "./_components/dataset-runs";

export const metadata: Metadata = { title: "Dataset" };

const PAGE_SIZE = 25;
const RUNS_SHOWN = 10;

/** One dataset: what it holds, its fingerprint, who imported it, and its cases. */
export default async function DatasetPage({ params, searchParams }: { params: Promise<{ tenant: string; datasetId: string }>; searchParams: Promise<{ page?: string }> }) {
  const { tenant, datasetId } = await params;
  const { scope } = await requireTenant(tenant);
  const page = Math.max(1, Math.min(10_000, Number.parseInt((await searchParams).page ?? "1", 10) || 1));
  const dataset = await getDataset(scope, datasetId, { page, pageSize: PAGE_SIZE });
  if (!dataset) notFound();
  const runs = await listRuns(scope, { datasetId: dataset.id, page: 1, pageSize: RUNS_SHOWN });
  const base = `/t/${scope.tenantSlug}`;
  const importedBy = dataset.createdBy;
  const facts: [string, React.ReactNode, string][] = [
    ["Cases", dataset.caseCount, "dataset-case-count"],
    ["Content hash", <code key="hash" className="break-all font-mono text-xs">{dataset.contentHash}</code>, "dataset-hash"],
    ["Imported by", importedBy, "dataset-imported-by"],
    ["Imported", <LocalTime key="at" value={dataset.createdAt} precision="minute" />, "dataset-imported-at"],
  ];
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Evaluations", href: `${base}/evals` }, { label: dataset.name }]}
        title={dataset.name}
        description={dataset.description ?? "A dataset never changes after import: runs of it compare like with like."}
        actions={
          mayChange(scope, "evals.run") ? (
            <Button asChild>
              <Link href={`${base}/evals/runs/new?dataset=${dataset.id}`}><Play className="size-4" aria-hidden /> Run this dataset</Link>
            </Button>
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "evals.run", "run evaluations")}</ReadOnlyNote>
          )
        }
      />
      <div className="space-y-6">
        <Card>
          <CardContent className="pt-5">
            <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
              {facts.map(([label, value, testId]) => (
                <div key={label} className="contents">
                  <dt className="text-muted-foreground">{label}</dt>
                  <dd data-testid={testId}>{value}</dd>
                </div>
              ))}
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Runs</CardTitle>
            <CardDescription>
              {runs.total > RUNS_SHOWN ? `The newest ${RUNS_SHOWN} of ${runs.total} runs.` : "Every run of this dataset, newest first."} Open one to compare it with another.
            </CardDescription>
          </CardHeader>
          <CardContent className="px-0">
            <DatasetRuns tenant={scope.tenantSlug} runs={runs.rows.map((r) => ({ ...r, scorerLabel: SCORER_LABELS[r.scorer as ScorerKind] }))} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Cases</CardTitle>
            <CardDescription>What each case asks (its last user message), and what its answer is scored against.</CardDescription>
          </CardHeader>
          <CardContent>
            <CasesTable
              rows={dataset.cases.map((c) => ({
                position: c.position,
                question: questionOf(c.messages),
                expected: c.expected,
                rubric: c.rubric,
                schema: c.schema === null ? null : JSON.stringify(c.schema),
              }))}
              total={dataset.caseCount}
              page={page}
              pageSize={PAGE_SIZE}
            />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
