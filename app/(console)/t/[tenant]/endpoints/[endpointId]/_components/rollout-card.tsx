import Link from "next/link";
import { rolesThatCan } from "@/components/forms/read-only";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { percentText } from "@/lib/rollouts/schemas";
import { StartRolloutForm } from "./start-rollout-form";

type Props = {
  tenant: string;
  endpoint: { id: string; enabled: boolean; activeVersionId: string | null; versions: { id: string; label: string; priced: boolean }[] };
  running: { id: string; candidateVersionId: string; stepsBp: number[]; stepIndex: number } | null;
  /** Whether the viewer may start a rollout here. */
  manage: boolean;
};

/** The endpoint's running rollout in one line, or the form that starts one, and the way to past ones. */
export function RolloutCard({ tenant, endpoint, running, manage }: Props) {
  const base = `/t/${tenant}`;
  const label = (id: string | null) => endpoint.versions.find((v) => v.id === id)?.label ?? "a removed version";
  const candidates = endpoint.versions.filter((v) => v.id !== endpoint.activeVersionId && v.priced);
  return (
    <Card data-testid="rollout-card">
      <CardHeader>
        <CardTitle>Rollout</CardTitle>
        <CardDescription>
          Send a rising share of this endpoint&apos;s traffic to another version, step by step: each promotion needs an approver, and guards
          roll back on their own when it does worse than the active version.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {running ? (
          <p data-testid="running-rollout" className="text-sm">
            <strong>{label(running.candidateVersionId)}</strong> takes {percentText(running.stepsBp[running.stepIndex])} of traffic (step{" "}
            {running.stepIndex + 1} of {running.stepsBp.length}) against {label(endpoint.activeVersionId)}.{" "}
            <Link href={`${base}/rollouts/${running.id}`} className="underline underline-offset-2">Open the rollout</Link>
          </p>
        ) : !manage ? (
          <p className="text-sm text-muted-foreground">No rollout is running. {rolesThatCan("endpoints.manage")} start them here.</p>
        ) : !endpoint.enabled || !endpoint.activeVersionId ? (
          <p className="text-sm text-muted-foreground">A rollout needs an enabled endpoint with an active version to compare with.</p>
        ) : candidates.length === 0 ? (
          <p className="text-sm text-muted-foreground">Add and price another version first: it becomes the rollout&apos;s candidate.</p>
        ) : (
          <StartRolloutForm tenant={tenant} endpointId={endpoint.id} candidates={candidates.map((v) => ({ id: v.id, label: v.label }))} />
        )}
        <p className="text-sm">
          <Link href={`${base}/rollouts?endpoint=${endpoint.id}`} className="text-primary hover:underline">Past rollouts of this endpoint</Link>
        </p>
      </CardContent>
    </Card>
  );
}
