import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { compareRuns } from "@/lib/evals/data";
import { SCORER_LABELS, type ScorerKind } from "@/lib/evals/scorers";
import { requireTenant } from "@/lib/tenancy/page";
import { CompareSide } from "./_components/compare-side";
import { CompareTable } from "./_components/compare-table";

export const metadata: Metadata = { title: "Compare runs" };

const PAGE_SIZE = 50;

/** Two runs of one dataset (`?a=&b=`) side by side and case by case; not found unless both are the tenant's runs of one dataset. */
export default async function ComparePage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ a?: string; b?: string; page?: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  if (typeof sp.a !== "string" || typeof sp.b !== "string") notFound();
  const c = await compareRuns(scope, sp.a, sp.b);
  if (!c) notFound();
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const base = `/t/${scope.tenantSlug}`;
  const changed = c.rows.filter((r) => r.changed).length;
  const shown = c.rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Evaluations", href: `${base}/evals` }, { label: "Compare runs" }]}
        title={`Compare runs of ${c.a.datasetName}`}
        description="The same cases answered by two runs. Better and worse count the cases whose score rose or fell from A to B."
      />
      <div className="space-y-6">
        <div className="grid gap-4 md:grid-cols-2">
          <CompareSide tenant={scope.tenantSlug} side="A" run={c.a} scorerLabel={SCORER_LABELS[c.a.scorer as ScorerKind]} />
          <CompareSide tenant={scope.tenantSlug} side="B" run={c.b} scorerLabel={SCORER_LABELS[c.b.scorer as ScorerKind]} />
        </div>
        <Card>
          <CardHeader>
            <CardTitle>Case by case</CardTitle>
            <CardDescription data-testid="compare-counts">
              B is better on {c.better} case{c.better === 1 ? "" : "s"} and worse on {c.worse}; {changed} verdict{changed === 1 ? "" : "s"} changed
              {changed ? ", listed first" : ""}.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <CompareTable
              rows={shown.map((r) => ({ position: r.position, question: r.question, expected: r.expected, a: sideOf(r.a), b: sideOf(r.b), changed: r.changed }))}
              total={c.rows.length}
              page={page}
              pageSize={PAGE_SIZE}
            />
          </CardContent>
        </Card>
      </div>
    </>
  );
}

/** What the table shows of one side's result; the rest stays on the server. */
const sideOf = (r: { score: number; passed: boolean; output: string | null } | null) => (r ? { score: r.score, passed: r.passed, output: r.output } : null);
