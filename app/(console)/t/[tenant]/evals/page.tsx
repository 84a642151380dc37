import type { Metadata } from "next";
import Link from "next/link";
import { Database, Gauge, Play } from "lucide-react";
import { ReadOnlyNote, cannotChangeNote, mayChange, rolesThatCan } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { listDatasets, listRuns } from "@/lib/evals/data";
import { SCORER_LABELS, type ScorerKind } from "@/lib/evals/scorers";
import { requireTenant } from "@/lib/tenancy/page";
import { DatasetsTable } from "./_components/datasets-table";
import { STATUS_PARAMS } from "./_components/eval-text";
import { ImportDatasetDialog } from "./_components/import-dataset-dialog";
import { PageLinks } from "./_components/page-links";
import { RunsTable } from "./_components/runs-table";

export const metadata: Metadata = { title: "Evaluations" };

const PAGE_SIZE = 25;
const DATASET_PAGE_SIZE = 10;

// The runs table is a DataTable and owns `page`; the datasets table pages with `dpage`.
type Search = { page?: string; dpage?: string; status?: string };

const pageOf = (value: string | undefined) => Math.max(1, Math.min(10_000, Number.parseInt(value ?? "1", 10) || 1));

export default async function EvaluationsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const page = pageOf(sp.page);
  const dpage = pageOf(sp.dpage);
  const status = sp.status && Object.hasOwn(STATUS_PARAMS, sp.status) ? STATUS_PARAMS[sp.status as keyof typeof STATUS_PARAMS] : undefined;
  const [datasets, runs] = await Promise.all([
    listDatasets(scope, { page: dpage, pageSize: DATASET_PAGE_SIZE }),
    listRuns(scope, { status, page, pageSize: PAGE_SIZE }),
  ]);
  const base = `/t/${scope.tenantSlug}`;
  const runsEvals = mayChange(scope, "evals.run");
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Evaluations" }]}
        title="Evaluations"
        description="Datasets of cases, and runs that send each case to a version of a chat endpoint through the gateway and score its answers: the evidence for choosing a version."
        actions={
          runsEvals ? (
            <>
              <ImportDatasetDialog tenant={scope.tenantSlug} />
              {datasets.total > 0 && (
                <Button asChild>
                  <Link href={`${base}/evals/runs/new`}><Play className="size-4" aria-hidden /> New run</Link>
                </Button>
              )}
            </>
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "evals.run", "import datasets and run evaluations")}</ReadOnlyNote>
          )
        }
      />
      <div className="space-y-8">
        <section aria-labelledby="datasets-heading" className="space-y-3">
          <h2 id="datasets-heading" className="text-lg font-semibold tracking-tight">Datasets</h2>
          {datasets.total === 0 ? (
            <EmptyState icon={<Database className="size-6" aria-hidden />} title="No datasets yet" description={datasetsEmptyText(runsEvals)} />
          ) : (
            <>
              <DatasetsTable tenant={scope.tenantSlug} rows={datasets.rows} />
              <PageLinks path={`${base}/evals`} search={sp} param="dpage" page={dpage} pageSize={DATASET_PAGE_SIZE} total={datasets.total} shown={datasets.rows.length} />
            </>
          )}
        </section>
        <section aria-labelledby="runs-heading" className="space-y-3">
          <h2 id="runs-heading" className="text-lg font-semibold tracking-tight">Runs</h2>
          {runs.total === 0 && !status ? (
            <EmptyState icon={<Gauge className="size-6" aria-hidden />} title="No runs yet" description={runsEmptyText(runsEvals, datasets.total > 0)} />
          ) : (
            <RunsTable
              tenant={scope.tenantSlug}
              rows={runs.rows.map((r) => ({
                id: r.id,
                datasetName: r.datasetName,
                endpointName: r.version?.endpointName ?? null,
                versionLabel: r.version?.label ?? null,
                scorerLabel: SCORER_LABELS[r.scorer as ScorerKind],
                done: r.done,
                total: r.total,
                passed: r.passed,
                meanScore: r.meanScore,
                status: r.status,
                createdAt: r.createdAt.toISOString(),
              }))}
              total={runs.total}
              page={page}
              pageSize={PAGE_SIZE}
            />
          )}
        </section>
      </div>
    </>
  );
}

/** What this viewer does about having no datasets. */
function datasetsEmptyText(builder: boolean): string {
  if (builder) return "Import a JSONL or CSV file of cases with Import dataset above: what to ask, and what a good answer holds.";
  return `A dataset is a set of cases to ask a model. ${rolesThatCan("evals.run")} import them; you can read every dataset and run here.`;
}

/** What this viewer does about having no runs. */
function runsEmptyText(builder: boolean, hasDatasets: boolean): string {
  if (!builder) return `${rolesThatCan("evals.run")} run datasets against a version of a chat endpoint; the results show here as they come in.`;
  if (hasDatasets) return "Start one with New run above: pick a dataset, a chat endpoint's version and a scorer.";
  return "Import a dataset first; then run it against a version of a chat endpoint.";
}
