import type { Metadata } from "next";
import Link from "next/link";
import { Activity, AlertTriangle, DollarSign, ScrollText, Timer, Users } from "lucide-react";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { usageSeries } from "@/lib/monitoring/data";
import { requireTenant } from "@/lib/tenancy/page";
import { scopeCan } from "@/lib/tenancy/scope";

/** The layout's title template names the tenant for pages below it, not for this one beside it. */
export async function generateMetadata({ params }: { params: Promise<{ tenant: string }> }): Promise<Metadata> {
  const { scope } = await requireTenant((await params).tenant);
  return { title: { absolute: `Overview · ${scope.tenantName} · Keel` } };
}

export default async function OverviewPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const [members, events, traffic] = await Promise.all([
    db().membership.count({ where: { tenantId: scope.tenantId } }),
    db().auditEvent.count({ where: { tenantId: scope.tenantId } }),
    usageSeries(scope, "24h").then((s) => s.totals),
  ]);
  const errorRate = traffic.requests ? (100 * traffic.errors) / traffic.requests : 0;
  const costUsd = Number(traffic.cost);
  const stats = [
    { label: "Requests", icon: Activity, value: traffic.requests.toLocaleString("en-US"), testId: "stat-requests" },
    { label: "Error rate", icon: AlertTriangle, value: traffic.requests ? `${errorRate.toFixed(1)}%` : "—", testId: "stat-errors" },
    { label: "p95 latency", icon: Timer, value: traffic.p95 === null ? "—" : `${Math.round(traffic.p95)} ms`, testId: "stat-p95" },
    { label: "Cost", icon: DollarSign, value: `$${costUsd.toFixed(costUsd < 1 ? 4 : 2)}`, testId: "stat-cost" },
  ];
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader crumbs={[{ label: scope.tenantName }]} title="Overview" description={scope.readOnly ? `You are viewing ${scope.tenantName} as the platform admin, read-only.` : `You are ${ROLE_LABELS[scope.role]} in ${scope.tenantName}.`} />
      <div className="mb-3 flex items-baseline justify-between gap-3">
        <h2 className="text-sm font-medium text-muted-foreground">Gateway, last 24 hours</h2>
        <Link href={`${base}/monitoring`} className="text-sm text-primary hover:underline">Open monitoring</Link>
      </div>
      <div className="mb-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {stats.map((s) => (
          <Card key={s.label}>
            <CardHeader>
              <CardDescription className="flex items-center gap-2"><s.icon className="size-4" aria-hidden /> {s.label}</CardDescription>
              <CardTitle className="text-3xl tabular-nums" data-testid={s.testId}>{s.value}</CardTitle>
            </CardHeader>
          </Card>
        ))}
      </div>
      <h2 className="mb-3 text-sm font-medium text-muted-foreground">Tenant</h2>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Card>
          <CardHeader>
            <CardDescription className="flex items-center gap-2"><Users className="size-4" aria-hidden /> Members</CardDescription>
            <CardTitle className="text-3xl tabular-nums">{members}</CardTitle>
          </CardHeader>
          <CardContent>
            <Link href={`${base}/members`} className="text-sm text-primary hover:underline">Manage members</Link>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription className="flex items-center gap-2"><ScrollText className="size-4" aria-hidden /> Audit events</CardDescription>
            <CardTitle className="text-3xl tabular-nums">{events}</CardTitle>
          </CardHeader>
          <CardContent>
            {scopeCan(scope, "audit.read") ? (
              <Link href={`${base}/audit`} className="text-sm text-primary hover:underline">Open the audit log</Link>
            ) : (
              <span className="text-sm text-muted-foreground">Visible to owners, admins, approvers and auditors</span>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
