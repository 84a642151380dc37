import type { Metadata } from "next";
import { Check, Minus } from "lucide-react";
import { ReadOnlyFields, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { PERMISSIONS, ROLES, ROLE_LABELS, can, type Permission } from "@/lib/auth/permissions";
import { gatewaySummary } from "@/lib/monitoring/data";
import { contentModeSentence } from "@/lib/privacy/mode";
import { findTenantSettings } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";
import { BudgetForm } from "./_components/budget-form";
import { ContentRetentionForm } from "./_components/content-retention-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [settings, month] = await Promise.all([findTenantSettings(scope), gatewaySummary(scope, monthStart)]);
  const budget = settings.monthlyBudgetUsd;
  const manages = mayChange(scope, "settings.manage");
  const note = cannotChangeNote(scope, "settings.manage");
  return (
    <>
      <PageHeader crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Settings" }]} title="Settings" />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Tenant</CardTitle>
            <CardDescription>Console URLs for this tenant start with /t/{scope.tenantSlug}.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-2 text-sm sm:grid-cols-3">
            <div><div className="text-muted-foreground">Name</div>{scope.tenantName}</div>
            <div><div className="text-muted-foreground">Slug</div><code className="font-mono">{scope.tenantSlug}</code></div>
            <div><div className="text-muted-foreground">Status</div><Badge variant={scope.status === "ACTIVE" ? "success" : "warning"}>{scope.status.toLowerCase()}</Badge></div>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Budget</CardTitle>
            <CardDescription>
              Spent this month (UTC): <span className="tabular-nums" data-testid="month-spend">${month.costUsd.toFixed(4)}</span>
              {budget ? ` of $${budget}` : ""}. Past the budget, the gateway answers 429 insufficient_quota before calling a provider.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {manages ? (
              <BudgetForm tenant={scope.tenantSlug} current={budget} />
            ) : (
              <ReadOnlyFields fields={[{ label: "Monthly budget", value: budget ? `$${budget}` : "No cap", testId: "budget-value" }]} note={note} />
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Request content</CardTitle>
            <CardDescription data-testid="content-mode">
              {contentModeSentence(settings.contentRetentionDays)} With storage on, Keel replaces emails, phone numbers, card numbers
              (Luhn-checked) and national ids (US Social Security and UK National Insurance numbers, no others) before storing, and keeps
              at most 256 KB of each input and output. A new retention applies to content stored from then on. Turning storage off stops
              storing at once and deletes nothing: content already stored is purged when its own retention ends.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {manages ? (
              <ContentRetentionForm tenant={scope.tenantSlug} current={settings.contentRetentionDays} />
            ) : (
              <ReadOnlyFields
                fields={[{ label: "Stored of each request", value: retentionText(settings.contentRetentionDays), testId: "content-retention-value" }]}
                note={note}
              />
            )}
          </CardContent>
        </Card>
        <Card className="overflow-hidden">
          <CardHeader>
            <CardTitle>Roles and permissions</CardTitle>
            <CardDescription>The one table Keel checks for every action. Your role: {ROLE_LABELS[scope.role]}.</CardDescription>
          </CardHeader>
          <CardContent className="p-0">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Permission</TableHead>
                  {ROLES.map((r) => <TableHead key={r} className="text-center">{ROLE_LABELS[r].split(" ")[0]}</TableHead>)}
                </TableRow>
              </TableHeader>
              <TableBody>
                {(Object.keys(PERMISSIONS) as Permission[]).map((p) => (
                  <TableRow key={p}>
                    <TableCell className="text-sm">{PERMISSIONS[p].label}</TableCell>
                    {ROLES.map((r) => (
                      <TableCell key={r} className="text-center">
                        {can(r, p) ? <Check className="mx-auto size-4 text-success" aria-label="allowed" /> : <Minus className="mx-auto size-4 text-muted-foreground" aria-label="not allowed" />}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </div>
    </>
  );
}

/** The content setting in words, for those who see it as a value. */
function retentionText(days: number | null): string {
  return days === null ? "Input hashes only (default)" : `Prompts and responses, redacted, for ${days} day${days === 1 ? "" : "s"}`;
}
