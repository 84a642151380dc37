import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { versionEvaluations } from "@/lib/evals/data";
import { getRollout, sampleAnswers } from "@/lib/rollouts/data";
import { findTenantSettings } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CancelRolloutButton } from "./_components/cancel-rollout-button";
import { DecisionsHistory } from "./_components/decisions-history";
import { EvidenceTables } from "./_components/evidence-tables";
import { GateEvaluations } from "./_components/gate-evaluations";
import { PromotionPanel } from "./_components/promotion-panel";
import { RolloutFacts } from "./_components/rollout-facts";
import { SampleAnswers } from "./_components/sample-answers";

export const metadata: Metadata = { title: "Rollout" };

/** One rollout: where it stands, the evidence for its next promotion, and who decided what on which figures. */
export default async function RolloutPage({ params }: { params: Promise<{ tenant: string; rolloutId: string }> }) {
  const { tenant, rolloutId } = await params;
  const { user, scope } = await requireTenant(tenant);
  const r = await getRollout({ tenantId: scope.tenantId, userId: user.id }, rolloutId);
  if (!r) notFound();
  const [samples, settings, candidateEvals, baselineEvals] = await Promise.all([
    sampleAnswers(scope, r),
    findTenantSettings(scope),
    versionEvaluations(scope, r.candidateVersionId),
    versionEvaluations(scope, r.baselineVersionId),
  ]);
  const running = r.status === "RUNNING";
  const base = `/t/${scope.tenantSlug}`;
  const now = new Date();
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Rollouts", href: `${base}/rollouts` }, { label: `${r.labels.candidate} vs ${r.labels.baseline}` }]}
        title={`Rollout of ${r.labels.candidate} on ${r.endpointName}`}
        description={`The candidate ${r.labels.candidate} against the active version ${r.labels.baseline}, by a sticky share of the endpoint's callers.`}
        actions={
          !running ? undefined : mayChange(scope, "endpoints.manage") ? (
            <CancelRolloutButton tenant={scope.tenantSlug} rolloutId={r.id} labels={r.labels} />
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "endpoints.manage", "cancel a rollout")}</ReadOnlyNote>
          )
        }
      />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Steps</CardTitle>
            <CardDescription>
              The candidate&apos;s share of traffic at each step. Each promotion, to the next step and at the end to production, needs
              approval once the step&apos;s burn-in has passed. On <Link href={`${base}/endpoints/${r.endpointId}`} className="underline underline-offset-2">{r.endpointName}</Link>.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <RolloutFacts r={r} />
          </CardContent>
        </Card>
        <Card data-testid="evidence">
          <CardHeader>
            <CardTitle>Evidence</CardTitle>
            <CardDescription>
              {r.evidence ? (
                <>
                  Both sides over this step&apos;s window, from <LocalTime value={r.evidence.from} precision="minute" /> until now. Requests count
                  answers and server-side failures; latency and cost count answers.
                </>
              ) : (
                "The rollout has ended; the figures each approver saw are kept with their decision below."
              )}
            </CardDescription>
          </CardHeader>
          {r.evidence && (
            <CardContent className="px-0">
              <EvidenceTables evidence={r.evidence} />
            </CardContent>
          )}
        </Card>
        <Card data-testid="gate-evaluations">
          <CardHeader>
            <CardTitle>Gate evaluations</CardTitle>
            <CardDescription>The newest completed evaluations of each version, from Evaluations.</CardDescription>
          </CardHeader>
          <CardContent>
            <GateEvaluations base={base} labels={r.labels} candidate={candidateEvals} baseline={baselineEvals} gate={settings.rolloutGateMinScore} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Sample answers</CardTitle>
            <CardDescription>The newest answers of each side in this step&apos;s window, as stored (redacted).</CardDescription>
          </CardHeader>
          <CardContent>
            <SampleAnswers samples={samples} labels={r.labels} keepsContent={settings.contentRetentionDays !== null} />
          </CardContent>
        </Card>
        {running && (
          <Card data-testid="promotion">
            <CardHeader>
              <CardTitle>Decision</CardTitle>
            </CardHeader>
            <CardContent>
              <PromotionPanel r={r} scope={scope} tenant={scope.tenantSlug} userId={user.id} now={now} />
            </CardContent>
          </Card>
        )}
        <Card>
          <CardHeader>
            <CardTitle>Decisions</CardTitle>
          </CardHeader>
          <CardContent>
            <DecisionsHistory decisions={r.decisions} stepsBp={r.stepsBp} />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
