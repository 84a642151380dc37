import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import type { RolloutDetail } from "@/lib/rollouts/data";
import { promotionText } from "../../_components/rollout-text";
import { EvidenceTables } from "./evidence-tables";

/** Every decision on the rollout, oldest first, each with the figures its decider was shown. */
export function DecisionsHistory({ decisions, stepsBp }: { decisions: RolloutDetail["decisions"]; stepsBp: number[] }) {
  if (decisions.length === 0) return <p className="text-sm text-muted-foreground">No decisions yet.</p>;
  return (
    <ol className="space-y-4">
      {decisions.map((d) => (
        <li key={d.id} data-testid="decision" className="space-y-2 border-b border-border pb-4 last:border-0 last:pb-0">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <Badge variant={d.verdict === "APPROVED" ? "success" : "destructive"}>{d.verdict === "APPROVED" ? "approved" : "rejected"}</Badge>
            <span>
              <strong className="font-medium">{d.decider}</strong> on the promotion to {promotionText(stepsBp, d.toStep)}
            </span>
            <LocalTime value={d.createdAt} precision="minute" className="text-xs text-muted-foreground" />
          </div>
          <blockquote className="border-l-2 border-border pl-3 text-sm">{d.comment}</blockquote>
          <details className="text-sm">
            <summary className="cursor-pointer text-primary">The figures {d.decider} saw</summary>
            <div className="mt-3">
              <EvidenceTables evidence={d.evidence} />
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}
