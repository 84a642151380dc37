import type { Metadata } from "next";
import Link from "next/link";
import { Download } from "lucide-react";
import { DailyCostChart } from "@/components/charts/daily-cost-chart";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Table, TableBody, TableCell, TableFooter, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { COST_GROUPS, COST_RANGES, parseCostGroup, parseCostRange, type CostGroup, type CostRange } from "@/lib/monitoring/cost-ranges";
import { costReport } from "@/lib/monitoring/costs";
import { requireTenant } from "@/lib/tenancy/page";

export const metadata: Metadata = { title: "Cost explorer" };

const usd = (cost: string) => `$${cost}`;
/** Groups listed; the rest are one row (the CSV lists up to 100,000). */
const PAGE_ROWS = 500;

export default async function CostExplorerPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ range?: string; group?: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const range = parseCostRange(sp.range);
  // End users are who a tenant's requests were for (often people): their spend is for those who read the audit trail.
  const endUsersShown = can(scope.role, "audit.read");
  const asked = parseCostGroup(sp.group);
  const group = asked === "endUser" && !endUsersShown ? "endpoint" : asked;
  const report = await costReport(scope, range, group, Date.now(), PAGE_ROWS);
  const base = `/t/${scope.tenantSlug}/monitoring/costs`;
  // An end user's row opens their requests in the audit explorer, for those who read it.
  const requestsOf = group === "endUser" ? (user: string) => `/t/${scope.tenantSlug}/audit?${new URLSearchParams({ kind: "requests", user })}` : null;
  const href = (r: CostRange, g: CostGroup) => `${base}?range=${r}&group=${g}`;
  const pill = (active: boolean) => cn("rounded px-2.5 py-1", active ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent hover:text-foreground");
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Monitoring", href: `/t/${scope.tenantSlug}/monitoring` }, { label: "Cost explorer" }]}
        title="Cost explorer"
        description="Spend priced at each version's rates when the request was made, exact to the hundred-millionth of a dollar; days are UTC."
        actions={
          <a href={`/api/t/${scope.tenantSlug}/costs/export?range=${range}&group=${group}`} className="inline-flex h-9 items-center gap-2 rounded-md border border-border px-3 text-sm hover:bg-accent" download>
            <Download className="size-4" aria-hidden /> Download CSV
          </a>
        }
      />
      <div className="mb-4 flex flex-wrap gap-3">
        <nav aria-label="Time range" className="inline-flex flex-wrap rounded-md border border-border p-0.5 text-sm">
          {(Object.keys(COST_RANGES) as CostRange[]).map((r) => (
            <Link key={r} href={href(r, group)} aria-current={r === range ? "page" : undefined} className={pill(r === range)}>{COST_RANGES[r]}</Link>
          ))}
        </nav>
        <nav aria-label="Group by" className="inline-flex flex-wrap rounded-md border border-border p-0.5 text-sm">
          {(Object.keys(COST_GROUPS) as CostGroup[]).filter((g) => g !== "endUser" || endUsersShown).map((g) => (
            <Link key={g} href={href(range, g)} aria-current={g === group ? "page" : undefined} className={pill(g === group)}>By {g === "key" ? COST_GROUPS[g] : COST_GROUPS[g].toLowerCase()}</Link>
          ))}
        </nav>
      </div>
      {!report.complete && (
        <div role="status" className="mb-4 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          The rollups are still catching up on earlier traffic: these figures are short until they finish.
        </div>
      )}
      <Card className="mb-6">
        <CardHeader className="pb-2">
          <CardTitle className="text-sm">Cost per day</CardTitle>
          <CardDescription className="text-xs">
            {COST_RANGES[range]}: <span data-testid="cost-total" className="font-medium text-foreground tabular-nums">{usd(report.total.cost)}</span> over{" "}
            {report.total.requests.toLocaleString("en-US")} requests
          </CardDescription>
        </CardHeader>
        <CardContent className="px-2"><DailyCostChart days={report.days} /></CardContent>
      </Card>
      <Card>
        <Table data-testid="cost-table">
          <TableHeader>
            <TableRow>
              <TableHead>{COST_GROUPS[group]}</TableHead>
              <TableHead className="text-right">Requests</TableHead>
              <TableHead className="text-right">Input tokens</TableHead>
              <TableHead className="text-right">Output tokens</TableHead>
              <TableHead className="text-right">Cost (USD)</TableHead>
              <TableHead className="text-right">Share</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.rows.length === 0 && (
              <TableRow><TableCell colSpan={6} className="text-center text-muted-foreground">No spend in this range.</TableCell></TableRow>
            )}
            {report.rows.map((r) => (
              <TableRow key={`${r.id}|${r.name}`} data-testid="cost-row">
                <TableCell>{requestsOf && r.id ? <Link className="underline underline-offset-2" href={requestsOf(r.id)}>{r.name}</Link> : r.name}</TableCell>
                <TableCell className="text-right tabular-nums">{r.requests.toLocaleString("en-US")}</TableCell>
                <TableCell className="text-right tabular-nums">{r.inputTokens.toLocaleString("en-US")}</TableCell>
                <TableCell className="text-right tabular-nums">{r.outputTokens.toLocaleString("en-US")}</TableCell>
                <TableCell className="text-right tabular-nums" data-testid="cost-row-cost">{usd(r.cost)}</TableCell>
                <TableCell className="text-right tabular-nums">{Number(report.total.cost) ? `${((100 * Number(r.cost)) / Number(report.total.cost)).toFixed(1)}%` : "—"}</TableCell>
              </TableRow>
            ))}
          </TableBody>
          <TableFooter>
            <TableRow>
              <TableCell>Total</TableCell>
              <TableCell className="text-right tabular-nums">{report.total.requests.toLocaleString("en-US")}</TableCell>
              <TableCell className="text-right tabular-nums">{report.total.inputTokens.toLocaleString("en-US")}</TableCell>
              <TableCell className="text-right tabular-nums">{report.total.outputTokens.toLocaleString("en-US")}</TableCell>
              <TableCell className="text-right tabular-nums">{usd(report.total.cost)}</TableCell>
              <TableCell />
            </TableRow>
          </TableFooter>
        </Table>
      </Card>
    </>
  );
}
