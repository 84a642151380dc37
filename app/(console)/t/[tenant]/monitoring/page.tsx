import type { Metadata } from "next";
import Link from "next/link";
import { RangePicker } from "@/components/charts/range-picker";
import { UsageCharts } from "@/components/charts/usage-charts";
import { UsageStats } from "@/components/charts/usage-stats";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { countOpenAlerts } from "@/lib/monitoring/alerts/data";
import { monitoringSubjects, usageBreakdown, usageSeries, type UsageShare } from "@/lib/monitoring/data";
import { RANGES, parseRange, type RangeKey } from "@/lib/monitoring/ranges";
import { requireTenant } from "@/lib/tenancy/page";
import { SubjectFilter } from "./_components/subject-filter";

export const metadata: Metadata = { title: "Monitoring" };

type Search = { range?: string; endpoint?: string; version?: string; key?: string };

export default async function MonitoringPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const range = parseRange(sp.range);
  const filter = sp.key ? { apiKeyId: sp.key } : { endpointId: sp.endpoint || undefined, versionId: sp.endpoint ? sp.version || undefined : undefined };
  const [series, subjects, byEndpoint, byKey, openAlerts] = await Promise.all([
    usageSeries(scope, range, filter),
    monitoringSubjects(scope),
    usageBreakdown(scope, range, "endpoint"),
    usageBreakdown(scope, range, "key"),
    countOpenAlerts(scope),
  ]);
  const base = `/t/${scope.tenantSlug}/monitoring`;
  const href = (changes: Partial<Search>) => {
    const next = new URLSearchParams(Object.entries({ ...sp, ...changes }).filter(([, v]) => v) as [string, string][]);
    return next.size ? `${base}?${next}` : base;
  };
  const endpoint = subjects.endpoints.find((e) => e.id === sp.endpoint);
  const subject = sp.key
    ? `key ${subjects.keys.find((k) => k.id === sp.key)?.name ?? "(unknown)"}`
    : endpoint
      ? `${endpoint.name}${sp.version ? ` · ${endpoint.versions.find((v) => v.id === sp.version)?.label ?? "(unknown version)"}` : ""}`
      : "all traffic";
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Monitoring" }]}
        title="Monitoring"
        description={`Gateway traffic of ${scope.tenantName}: ${subject}, ${RANGES[range].label.toLowerCase()}.`}
        actions={
          <>
            <Link href={`${base}/alerts`} className="inline-flex h-9 items-center rounded-md border border-border px-3 text-sm hover:bg-accent" data-testid="alerts-link">
              Alerts{openAlerts > 0 ? ` (${openAlerts} open)` : ""}
            </Link>
            <Link href={`${base}/costs`} className="inline-flex h-9 items-center rounded-md border border-border px-3 text-sm hover:bg-accent">Cost explorer</Link>
            <RangePicker current={range} href={(r: RangeKey) => href({ range: r })} />
          </>
        }
      />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <SubjectFilter subjects={subjects} />
        <p className="text-xs text-muted-foreground">
          One point per {stepLabel(series.stepMs)} · times in your time zone · buckets in UTC
        </p>
      </div>
      {!series.complete && (
        <div role="status" className="mb-4 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          The rollups are still catching up on earlier traffic: these figures are short until they finish.
        </div>
      )}
      <div className="mb-6"><UsageStats totals={series.totals} /></div>
      <UsageCharts points={series.points} stepMs={series.stepMs} />
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Breakdown title="By endpoint" rows={byEndpoint} link={(id) => href({ endpoint: id, version: undefined, key: undefined })} testId="breakdown-endpoint" />
        <Breakdown title="By API key" rows={byKey} link={(id) => href({ key: id, endpoint: undefined, version: undefined })} testId="breakdown-key" />
      </div>
    </>
  );
}

function stepLabel(stepMs: number): string {
  if (stepMs < 3_600_000) return `${stepMs / 60_000} minute${stepMs === 60_000 ? "" : "s"}`;
  if (stepMs < 86_400_000) return `${stepMs / 3_600_000} hour${stepMs === 3_600_000 ? "" : "s"}`;
  return "day";
}

function Breakdown({ title, rows, link, testId }: { title: string; rows: UsageShare[]; link: (id: string) => string; testId: string }) {
  return (
    <Card data-testid={testId}>
      <CardHeader className="pb-2">
        <CardTitle className="text-sm">{title}</CardTitle>
        <CardDescription className="text-xs">Most requests first, in this range</CardDescription>
      </CardHeader>
      {rows.length === 0 ? (
        <p className="px-5 pb-5 text-sm text-muted-foreground">No traffic in this range.</p>
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead className="text-right">Requests</TableHead>
              <TableHead className="text-right">Error rate</TableHead>
              <TableHead className="text-right">Cost</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.id}>
                <TableCell><Link href={link(r.id)} className="text-primary hover:underline">{r.name}</Link></TableCell>
                <TableCell className="text-right tabular-nums">{r.requests.toLocaleString("en-US")}</TableCell>
                <TableCell className="text-right tabular-nums">{r.requests ? `${((100 * r.errors) / r.requests).toFixed(1)}%` : "—"}</TableCell>
                <TableCell className="text-right tabular-nums" title={`$${r.cost}`}>${r.costUsd.toFixed(r.costUsd < 1 ? 4 : 2)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
