import type { Metadata } from "next";
import Link from "next/link";
import { mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { alertSettings, listAlerts, type AlertRow } from "@/lib/monitoring/alerts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { AcknowledgeButton } from "./_components/acknowledge-button";

export const metadata: Metadata = { title: "Alerts" };

const KIND_LABELS: Record<string, string> = { BUDGET: "Budget", KEY_BUDGET: "Key budget", COST_ANOMALY: "Cost anomaly", DRIFT: "Drift", ROLLBACK: "Rollback" };

export default async function AlertsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ show?: string; page?: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const all = sp.show === "all";
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const [{ rows, total, pageSize }, settings] = await Promise.all([listAlerts(scope, { all, page }), alertSettings(scope)]);
  const acknowledge = mayChange(scope, "alerts.manage");
  const base = `/t/${scope.tenantSlug}/monitoring/alerts`;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const pill = (active: boolean) => cn("rounded px-2.5 py-1", active ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent hover:text-foreground");
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Monitoring", href: `/t/${scope.tenantSlug}/monitoring` }, { label: "Alerts" }]}
        title="Alerts"
        description={`Budget thresholds (${settings.budgetAlertPercents.join("%, ")}% of the monthly budget), keys' budgets and hours of unusual spend. ${
          settings.webhookUrl ? `Each is also POSTed, signed, to the tenant's webhook at ${new URL(settings.webhookUrl).host}.` : "Set a webhook in Settings to receive them elsewhere too."
        }`}
      />
      <nav aria-label="Which alerts" className="mb-4 inline-flex rounded-md border border-border p-0.5 text-sm">
        <Link href={base} aria-current={!all ? "page" : undefined} className={pill(!all)}>Open</Link>
        <Link href={`${base}?show=all`} aria-current={all ? "page" : undefined} className={pill(all)}>All</Link>
      </nav>
      {rows.length === 0 ? (
        <EmptyState title={all ? "No alerts yet" : "No open alerts"} description="Alerts appear here as budgets are reached or spend jumps." />
      ) : (
        <Card>
          <Table data-testid="alerts-table">
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead>Alert</TableHead>
                <TableHead>Webhook</TableHead>
                <TableHead className="text-right">State</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((a) => (
                <TableRow key={a.id} data-testid="alert-row">
                  <TableCell className="whitespace-nowrap"><LocalTime value={a.createdAt.toISOString()} precision="minute" /></TableCell>
                  <TableCell><Badge variant={a.severity === "CRITICAL" ? "destructive" : "warning"}>{KIND_LABELS[a.kind] ?? a.kind}</Badge></TableCell>
                  <TableCell className="max-w-xl">
                    {!a.authentic && <Badge variant="destructive" className="mr-2" title="This alert does not carry Keel's authentication: something other than Keel wrote or changed it in the database.">Not raised by Keel</Badge>}
                    {a.title}
                  </TableCell>
                  <TableCell className="text-xs text-muted-foreground">{deliveryText(a.delivery)}</TableCell>
                  <TableCell className="text-right">
                    {a.acknowledgedAt ? (
                      <span className="text-xs text-muted-foreground">Acknowledged by {a.acknowledgedBy}</span>
                    ) : acknowledge ? (
                      <AcknowledgeButton tenant={scope.tenantSlug} alertId={a.id} />
                    ) : (
                      <span className="text-xs text-muted-foreground">Open</span>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      {pages > 1 && (
        <nav aria-label="Pages" className="mt-4 flex gap-3 text-sm">
          {page > 1 && <Link href={`${base}?${all ? "show=all&" : ""}page=${page - 1}`} className="text-primary hover:underline">Newer</Link>}
          <span className="text-muted-foreground">Page {page} of {pages}</span>
          {page < pages && <Link href={`${base}?${all ? "show=all&" : ""}page=${page + 1}`} className="text-primary hover:underline">Older</Link>}
        </nav>
      )}
    </>
  );
}

function deliveryText(d: AlertRow["delivery"]): string {
  if (!d) return "—";
  if (d.status === "DELIVERED") return `Delivered${d.attempts > 1 ? ` after ${d.attempts} attempts` : ""}`;
  if (d.status === "FAILED") return `Failed: ${d.lastError ?? "unknown"}`;
  return d.attempts === 0 ? "Sending…" : `Retrying (${d.attempts} attempts): ${d.lastError ?? ""}`;
}
