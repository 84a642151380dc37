import type { Metadata } from "next";
import Link from "next/link";
import { ScrollText, Users } from "lucide-react";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ROLE_LABELS, can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { requireTenant } from "@/lib/tenancy/page";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const [members, events] = await Promise.all([
    db().membership.count({ where: { tenantId: scope.tenantId } }),
    db().auditEvent.count({ where: { tenantId: scope.tenantId } }),
  ]);
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader crumbs={[{ label: scope.tenantName }]} title="Overview" description={`You are ${ROLE_LABELS[scope.role]} in ${scope.tenantName}.`} />
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
            {can(scope.role, "audit.read") ? (
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
