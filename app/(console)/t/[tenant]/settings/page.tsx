import type { Metadata } from "next";
import { Check, Minus } from "lucide-react";
import { ReadOnlyFields, cannotChangeNote, mayChange, rolesThatCan } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { PERMISSIONS, ROLES, ROLE_LABELS, can, type Permission } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { alertSettings } from "@/lib/monitoring/alerts/data";
import { spendSince } from "@/lib/monitoring/spend";
import { contentModeSentence } from "@/lib/privacy/mode";
import { findTenantSettings } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";
import { BudgetForm } from "./_components/budget-form";
import { AlertWebhookForm } from "./_components/alert-webhook-form";
import { BudgetAlertsForm } from "./_components/budget-alerts-form";
import { ContentRetentionForm } from "./_components/content-retention-form";
import { RolloutApprovalsForm } from "./_components/rollout-approvals-form";
import { RolloutGateForm } from "./_components/rollout-gate-form";
import { datasetChoices } from "@/lib/evals/data";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [settings, month, alerts] = await Promise.all([
    findTenantSettings(scope),
    spendSince(db(), scope.tenantId, monthStart),
    alertSettings(scope),
  ]);
  const approvals = settings.rolloutApprovals;
  const gateDatasets = await datasetChoices(scope);
  const gateDataset = gateDatasets.find((d) => d.id === settings.rolloutGateDatasetId)?.name ?? null;
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
              Spent this month (UTC): <span className="tabular-nums" data-testid="month-spend">${month.total.toFixed(4)}</span>
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
            <CardTitle>Alerts</CardTitle>
            <CardDescription>
              Keel raises an alert when spend passes these shares of the monthly budget, when a key passes its own budget, and when an
              hour&apos;s spend is far above the week before. They show under Monitoring → Alerts, and go to the webhook, signed, with
              retries. The webhook must be a public address unless the platform admin allows a private one (KEEL_OUTBOUND_ALLOW).
            </CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {manages ? (
              <>
                <BudgetAlertsForm tenant={scope.tenantSlug} current={alerts.budgetAlertPercents} />
                <AlertWebhookForm tenant={scope.tenantSlug} current={alerts.webhookUrl} />
              </>
            ) : (
              <ReadOnlyFields
                fields={[
                  { label: "Budget alerts at", value: `${alerts.budgetAlertPercents.join("%, ")}%`, testId: "budget-alerts-value" },
                  { label: "Webhook", value: alerts.webhookUrl ? `Set, at ${new URL(alerts.webhookUrl).host}` : "None: alerts stay in the console", testId: "webhook-value" },
                ]}
                note={note}
              />
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
        <Card>
          <CardHeader>
            <CardTitle>Rollouts</CardTitle>
            <CardDescription>
              Each promotion of a canary rollout, to its next step and at the end to production, waits for this many approvals.{" "}
              {rolesThatCan("rollouts.approve")} decide, never on a rollout they started themselves.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {manages ? (
              <div className="space-y-8">
                <RolloutApprovalsForm tenant={scope.tenantSlug} current={approvals} />
                <RolloutGateForm tenant={scope.tenantSlug} current={settings.rolloutGateMinScore} datasetId={settings.rolloutGateDatasetId} datasets={gateDatasets} />
              </div>
            ) : (
              <ReadOnlyFields
                fields={[
                  { label: "Approvers per promotion", value: String(approvals), testId: "rollout-approvals-value" },
                  { label: "Evaluation gate", value: settings.rolloutGateMinScore === null ? "none" : `mean score ≥ ${settings.rolloutGateMinScore} on ${gateDataset ?? "a removed dataset"}`, testId: "rollout-gate-value" },
                ]}
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
