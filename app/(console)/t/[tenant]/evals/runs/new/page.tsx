import type { Metadata } from "next";
import Link from "next/link";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getEndpoint, listEndpoints } from "@/lib/endpoints/data";
import { datasetChoices } from "@/lib/evals/data";
import { DEFAULT_PASS, SCORERS, SCORER_LABELS } from "@/lib/evals/scorers";
import { requireTenant } from "@/lib/tenancy/page";
import { NewRunForm, type RunEndpoint } from "./_components/new-run-form";

export const metadata: Metadata = { title: "New evaluation run" };

/** At most this many chat endpoints are offered; a tenant with more picks among the first by name. */
const ENDPOINTS_SHOWN = 100;

/** Queues a run of a dataset (`?dataset=` preselects one) against a version of a chat endpoint. */
export default async function NewRunPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ dataset?: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const { dataset } = await searchParams;
  const base = `/t/${scope.tenantSlug}`;
  const allowed = mayChange(scope, "evals.run");
  const [datasets, endpoints] = allowed ? await Promise.all([datasetChoices(scope), chatEndpoints(scope)]) : [[], []];
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Evaluations", href: `${base}/evals` }, { label: "New run" }]}
        title="New evaluation run"
        description="Each case goes through the gateway to the version you pick, as you: recorded, limited and billed like any call. The answers are scored as they come in."
      />
      <Card className="max-w-3xl">
        <CardHeader>
          <CardTitle>Run</CardTitle>
          <CardDescription>
            Exact, contains and regular expression compare with each case&apos;s <code>expected</code>; JSON Schema checks the answer against its{" "}
            <code>schema</code>; similarity embeds both; the judge asks another chat endpoint to score against the <code>rubric</code>.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {!allowed ? (
            <ReadOnlyNote>{cannotChangeNote(scope, "evals.run", "run evaluations")}</ReadOnlyNote>
          ) : datasets.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No dataset to run yet. <Link href={`${base}/evals`} className="underline underline-offset-2">Import one under Evaluations</Link>.
            </p>
          ) : endpoints.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No enabled chat endpoint has a priced version to run against. <Link href={`${base}/endpoints`} className="underline underline-offset-2">Go to Endpoints</Link>.
            </p>
          ) : (
            <NewRunForm
              tenant={scope.tenantSlug}
              datasets={datasets}
              endpoints={endpoints}
              scorers={SCORERS.map((s) => ({ value: s, label: SCORER_LABELS[s], defaultPass: DEFAULT_PASS[s] }))}
              judges={endpoints.map((e) => e.name)}
              datasetId={datasets.some((d) => d.id === dataset) ? dataset : undefined}
            />
          )}
        </CardContent>
      </Card>
    </>
  );
}

/** The enabled chat endpoints with their priced versions (the only ones that may answer). */
async function chatEndpoints(scope: { tenantId: string }): Promise<RunEndpoint[]> {
  const { rows } = await listEndpoints(scope, { kind: "CHAT", enabled: true, page: 1, pageSize: ENDPOINTS_SHOWN, sort: "name", dir: "asc" });
  const details = await Promise.all(rows.map((r) => getEndpoint(scope, r.id)));
  return details
    .filter((e) => e !== null)
    .map((e) => ({ id: e.id, name: e.name, activeVersionId: e.activeVersionId, versions: e.versions.filter((v) => v.priced).map((v) => ({ id: v.id, label: v.label })) }))
    .filter((e) => e.versions.length > 0);
}
