import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getCatalogVersion, ownerChoices } from "@/lib/catalog/data";
import { parseRange } from "@/lib/monitoring/ranges";
import { requireTenant } from "@/lib/tenancy/page";
import { CatalogStatusBadge } from "../_components/catalog-text";
import { LineageGraph } from "./_components/lineage-graph";
import { ModelCard } from "./_components/model-card";
import { RetireVersionButton } from "./_components/retire-version-button";
import { ServingHistory } from "./_components/serving-history";
import { VersionApprovals } from "./_components/version-approvals";
import { VersionEvaluations } from "./_components/version-evaluations";
import { VersionFacts } from "./_components/version-facts";
import { VersionTraffic } from "./_components/version-traffic";

export const metadata: Metadata = { title: "Model version" };

/**
 * One version's catalog entry: what it is, where it came from, its model card, who approved it into
 * production (with links to the evidence), its evaluations, what served its endpoint when, and its
 * own traffic and drift.
 */
export default async function CatalogVersionPage({ params, searchParams }: { params: Promise<{ tenant: string; versionId: string }>; searchParams: Promise<{ range?: string }> }) {
  const { tenant, versionId } = await params;
  const { scope } = await requireTenant(tenant);
  const v = await getCatalogVersion(scope, versionId);
  if (!v) notFound();
  const manage = mayChange(scope, "endpoints.manage");
  const owners = v.editable && manage ? await ownerChoices(scope) : [];
  const base = `/t/${scope.tenantSlug}`;
  // A version that serves or is on trial cannot be retired; one already retired needs nothing.
  const retirable = v.retiredAt === null && v.status !== "production" && v.status !== "staging";
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Model catalog", href: `${base}/catalog` }, { label: `${v.endpoint.name} / ${v.label}` }]}
        title={v.label}
        description={`A version of ${v.endpoint.name}: ${v.provider.name}, model ${v.providerModel}.`}
        actions={
          !retirable ? undefined : manage ? (
            <RetireVersionButton tenant={scope.tenantSlug} versionId={v.id} label={v.label} endpointName={v.endpoint.name} />
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "endpoints.manage", "retire a version")}</ReadOnlyNote>
          )
        }
      />
      <div className="space-y-6">
        <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="version-heading">
          <CatalogStatusBadge status={v.status} />
          <span>
            on <Link href={`${base}/endpoints/${v.endpoint.id}`} className="underline underline-offset-2">{v.endpoint.name}</Link>
          </span>
        </p>
        <Card>
          <CardHeader>
            <CardTitle>Lineage</CardTitle>
            <CardDescription>Where this version came from and where it went. Boxes with nothing recorded are dashed.</CardDescription>
          </CardHeader>
          <CardContent>
            <LineageGraph base={base} v={v} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Facts</CardTitle>
          </CardHeader>
          <CardContent>
            <VersionFacts v={v} />
          </CardContent>
        </Card>
        <Card data-testid="model-card">
          <CardHeader>
            <CardTitle>Model card</CardTitle>
            <CardDescription>What it is for, where it falls short, and what could go wrong. Written while a draft, fixed once it serves.</CardDescription>
          </CardHeader>
          <CardContent>
            <ModelCard base={base} tenant={scope.tenantSlug} scope={scope} v={v} owners={owners} />
          </CardContent>
        </Card>
        <Card id="approvals" data-testid="approvals">
          <CardHeader>
            <CardTitle>Approvals</CardTitle>
            <CardDescription>The rollouts that had this version as candidate and who approved them, from the signed audit trail. Each rollout&apos;s page holds the evidence its approvers saw.</CardDescription>
          </CardHeader>
          <CardContent>
            <VersionApprovals base={base} rollouts={v.rollouts} />
          </CardContent>
        </Card>
        <Card className="overflow-hidden" data-testid="evaluations">
          <CardHeader>
            <CardTitle>Evaluations</CardTitle>
            <CardDescription>The newest completed runs against this version, with 95 % confidence intervals.</CardDescription>
          </CardHeader>
          <CardContent className="px-0">
            <VersionEvaluations base={base} runs={v.evaluations} />
          </CardContent>
        </Card>
        <Card className="overflow-hidden" data-testid="serving-history">
          <CardHeader>
            <CardTitle>Serving history of {v.endpoint.name}</CardTitle>
            <CardDescription>Which version answered the endpoint&apos;s callers when, and who made it so, from the signed audit trail.</CardDescription>
          </CardHeader>
          <CardContent className="px-0">
            <ServingHistory base={base} versionId={v.id} periods={v.history} />
          </CardContent>
        </Card>
        <VersionTraffic
          tenant={scope}
          manage={manage}
          endpointId={v.endpoint.id}
          versionId={v.id}
          label={v.label}
          range={parseRange((await searchParams).range)}
          path={`${base}/catalog/${v.id}`}
        />
      </div>
    </>
  );
}
