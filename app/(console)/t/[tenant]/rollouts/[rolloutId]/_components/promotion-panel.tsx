import { ReadOnlyNote, cannotChangeNote, mayChange, type ScopeView } from "@/components/forms/read-only";
import { LocalTime } from "@/components/ui/local-time";
import type { RolloutDetail } from "@/lib/rollouts/data";
import { promotionText } from "../../_components/rollout-text";
import { DecideForm } from "./decide-form";

/**
 * The running rollout's next promotion: the approvals it has, and the approver's form, or one
 * sentence saying why this viewer cannot decide now. The action checks all of it again.
 */
export function PromotionPanel({ r, scope, tenant, userId, now }: { r: RolloutDetail; scope: ScopeView; tenant: string; userId: string; now: Date }) {
  const target = promotionText(r.stepsBp, r.stepIndex + 1);
  const given = `${r.pendingApprovals} of ${r.approvalsNeeded} approval${r.approvalsNeeded === 1 ? "" : "s"} given`;
  return (
    <div className="space-y-4">
      <p className="text-sm" data-testid="next-promotion">
        Next: the promotion to <strong>{target}</strong>; {given}.
      </p>
      {!mayChange(scope, "rollouts.approve") ? (
        <ReadOnlyNote>{cannotChangeNote(scope, "rollouts.approve", "approve or reject a promotion")}</ReadOnlyNote>
      ) : r.requestedById === userId ? (
        <CannotDecide>You requested this rollout; another approver decides.</CannotDecide>
      ) : r.viewerDecided ? (
        <>
          <CannotDecide>You approved this promotion; it waits for another approver. You may still reject it.</CannotDecide>
          <DecideForm tenant={tenant} rolloutId={r.id} toStep={r.stepIndex + 1} target={target} mayApprove={false} />
        </>
      ) : now < r.opensAt ? (
        <>
          <CannotDecide>
            This step&apos;s burn-in ends at <LocalTime value={r.opensAt} precision="minute" />; approve after it, on the figures it gathered. A rejection may come at any time.
          </CannotDecide>
          <DecideForm tenant={tenant} rolloutId={r.id} toStep={r.stepIndex + 1} target={target} mayApprove={false} />
        </>
      ) : (
        <DecideForm tenant={tenant} rolloutId={r.id} toStep={r.stepIndex + 1} target={target} mayApprove />
      )}
    </div>
  );
}

function CannotDecide({ children }: { children: React.ReactNode }) {
  return <p data-testid="cannot-decide" className="text-sm text-muted-foreground">{children}</p>;
}
