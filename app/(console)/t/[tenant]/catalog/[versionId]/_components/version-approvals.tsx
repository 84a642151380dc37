import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import type { CatalogVersion } from "@/lib/catalog/data";
import { percentText } from "@/lib/rollouts/schemas";
import { RolloutStatusBadge } from "../../../rollouts/_components/rollout-text";

/** The rollouts that had this version as candidate, each with who approved its promotions; the evidence is on the rollout's page. */
export function VersionApprovals({ base, rollouts }: { base: string; rollouts: CatalogVersion["rollouts"] }) {
  if (rollouts.length === 0) {
    return <p className="text-sm text-muted-foreground">No rollout yet: this version has not been a rollout&apos;s candidate, so no one has approved it.</p>;
  }
  return (
    <ul className="space-y-3 text-sm">
      {rollouts.map((r) => (
        <li key={r.id} data-testid={`approval-${r.id}`} className="space-y-1 border-b border-border pb-3 last:border-0 last:pb-0">
          <div className="flex flex-wrap items-center gap-2">
            <RolloutStatusBadge status={r.status} />
            <Link href={`${base}/rollouts/${r.id}`} className="underline underline-offset-2">
              Rollout started <LocalTime value={r.createdAt} precision="minute" />
            </Link>
            <span className="text-muted-foreground">in steps of {r.stepsBp.map(percentText).join(", ")}</span>
          </div>
          <p data-testid="approvers">
            {r.approvers.length ? <>Approved by {r.approvers.join(", ")}</> : <span className="text-muted-foreground">No approvals yet</span>}
            {r.endedAt && (
              <span className="text-muted-foreground">
                ; ended <LocalTime value={r.endedAt} precision="minute" />
                {r.endReason ? `: ${r.endReason}` : ""}
              </span>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}
